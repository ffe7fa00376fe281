"""Rule rr_fig11: rr-fig3a spectra per layer at the start of training and after it (one panel per radius)."""

import pandas as pd

from netspectra import io, style
from netspectra.figures import rr

io.log_output(snakemake.log)  # noqa: F821

params = snakemake.params  # noqa: F821
for panel, rows in params.panels.items():
    tables, sources = [], []
    for path, row in zip(snakemake.input[panel], rows):  # noqa: F821
        table = io.read_table(path, "spectra")
        table["epoch"] = row["epoch"]
        tables.append(table)
        sources += [c.get("data_source", "?") for c in io.read_metadata(path)["config"]["paths"]]
    spectra = pd.concat(tables, ignore_index=True)
    # One column per network: layer_spectra titles an "activation" value as it is.
    spectra["activation"] = spectra.activation + ", " + spectra.shortcut.map({True: "shortcut", False: "no shortcut"})
    fig = rr.layer_spectra(spectra, "power |z_k|², path-normalised", col="activation", row="epoch")
    radius = ", ".join(f"{r:g}" for r in dict.fromkeys(row["radius"] for row in rows))
    fig.suptitle(f"rr-fig11{panel} ({params.scale} scale): Toy-CNN spectra per layer at radius {radius}, "
                 f"rows = training epoch of the weights; path images: {'; '.join(dict.fromkeys(sources))}",
                 fontsize=10, y=1.02)
    style.save(fig, snakemake.output[f"png_{panel}"], snakemake.output[f"pdf_{panel}"])  # noqa: F821

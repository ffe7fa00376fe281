import pandas as pd

from netspectra import io, style
from netspectra.figures import rr_weightspace

io.log_output(snakemake.log)  # noqa: F821

inp, out, params = snakemake.input, snakemake.output, snakemake.params  # noqa: F821 (injected by Snakemake)
paths = pd.concat([io.read_table(p, "paths") for p in inp.paths], ignore_index=True)
fits, spectra = io.read_table(inp.fits, "fits"), io.read_table(inp.spectra, "spectra")
fig = rr_weightspace.median_paths(paths, fits, spectra, col_order=params.activations,
                                  ylabel=rr_weightspace.spectrum_label(params.detrend, params.window))
style.save(fig, out.png, out.pdf)

import pandas as pd

from netspectra import io
from netspectra.figures import rr_weightspace, style

inp, out = snakemake.input, snakemake.output  # noqa: F821 (injected by Snakemake)
paths = pd.concat([io.read_table(p, "paths") for p in inp.paths], ignore_index=True)
fits = io.read_table(inp.fits, "fits")
fig = rr_weightspace.median_paths(paths, fits, col_order=snakemake.params.activations)  # noqa: F821
style.save(fig, out.png, out.pdf)

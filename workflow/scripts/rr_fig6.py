import pandas as pd

from netspectra import correlation, io, style
from netspectra.figures import rr_weightspace

io.log_output(snakemake.log)  # noqa: F821

params = snakemake.params  # noqa: F821 (injected by Snakemake)
corr = pd.concat([io.read_table(p, "branch_correlation") for p in snakemake.input], ignore_index=True)  # noqa: F821
filters = correlation.gaussian_bands(params.n_points, params.n_bins, params.band_width)
floor = correlation.independent_floor(filters, params.n_points, detrend=params.detrend, window=params.window)
fig = rr_weightspace.branch_correlation_curves(corr, floor=floor, hue_order=params.activations)
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

"""rr-fig12/13/14/17: rr-fig3-style per-layer spectra, panels by the columns named in params."""

from netspectra import io, style
from netspectra.figures import rr, rr_weightspace

io.log_output(snakemake.log)  # noqa: F821

params = snakemake.params  # noqa: F821 (injected by Snakemake)
table = io.read_table(snakemake.input[0], "spectra")  # noqa: F821
for key in filter(None, (params.col, params.row)):
    table = rr_weightspace.with_grid_column(table, key)
fig = rr.layer_spectra(table, params.ylabel, col=params.col, row=params.row)
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

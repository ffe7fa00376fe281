"""rr-fig12/13/14/17: rr-fig3-style per-layer spectra, panels by the columns named in params."""

from netspectra import io
from netspectra.figures import rr, style

params = snakemake.params  # noqa: F821 (injected by Snakemake)
table = io.read_table(snakemake.input[0], "spectra")  # noqa: F821
fig = rr.layer_spectra(table, params.ylabel, col=params.col, row=params.row)
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

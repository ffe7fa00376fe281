"""Rule ff_fig4: test error vs RMS of the sampled frequencies, per generator and signal family."""

from netspectra import io, style
from netspectra.figures import ff

io.log_output(snakemake.log)  # noqa: F821

fig = ff.plot_fig4(io.read_table(snakemake.input.sweep, "ff_sparse_sweep"), scale=snakemake.params.scale)  # noqa: F821
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

"""Rule sb_fig4: training accuracy over (k, L) for the binarised sine on γ_L."""

from netspectra import io, style
from netspectra.figures import sb

io.log_output(snakemake.log)  # noqa: F821

fig = sb.plot_fig4(io.read_table(snakemake.input.accuracy, "sb_accuracy"), scale=snakemake.params.scale)  # noqa: F821
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

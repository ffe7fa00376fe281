"""Rule sb_fig5: robustness of frequency components to random parameter perturbations."""

from netspectra import io, style
from netspectra.figures import sb

io.log_output(snakemake.log)  # noqa: F821

fig = sb.plot_fig5(io.read_table(snakemake.input.robustness, "sb_robustness"), scale=snakemake.params.scale)  # noqa: F821
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

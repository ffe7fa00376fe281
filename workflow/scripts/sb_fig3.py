"""Rule sb_fig3: spectrum of f∘γ_L during training for each L, and the loss curves."""

from netspectra import io, style
from netspectra.figures import sb

io.log_output(snakemake.log)  # noqa: F821

fig = sb.plot_fig3(io.read_table(snakemake.input.spectrum, "sb_spectrum"),  # noqa: F821
                   io.read_table(snakemake.input.loss, "sb_loss"), scale=snakemake.params.scale)  # noqa: F821
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

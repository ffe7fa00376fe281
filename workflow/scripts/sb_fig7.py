"""Rule sb_fig7: white-noise regression loss on the autoencoder manifold vs the flat manifold."""

from netspectra import io, style
from netspectra.figures import sb

io.log_output(snakemake.log)  # noqa: F821

losses = io.read_table(snakemake.input.loss, "sb_noise_loss")  # noqa: F821
fig = sb.plot_fig7(losses, scale=snakemake.params.scale, source=str(losses["source"].iloc[0]))  # noqa: F821
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

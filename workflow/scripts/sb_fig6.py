"""Rule sb_fig6: the learnt function over the target at several training steps."""

from netspectra import io, style
from netspectra.figures import sb

io.log_output(snakemake.log)  # noqa: F821

p = snakemake.params  # noqa: F821
fig = sb.plot_fig6(io.read_table(snakemake.input.snapshots, "sb_snapshots"), scale=p.scale, setting=p.setting)  # noqa: F821
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

"""Rule ff_fig1: image regression outputs and test PSNR per input mapping."""

from netspectra import io, style
from netspectra.figures import ff

io.log_output(snakemake.log)  # noqa: F821

fig = ff.plot_fig1(io.read_table(snakemake.input.psnr, "ff_image_psnr"),  # noqa: F821
                   io.read_table(snakemake.input.outputs, "ff_image_outputs"),  # noqa: F821
                   io.read_table(snakemake.input.curves, "ff_image_curves"), scale=snakemake.params.scale)  # noqa: F821
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

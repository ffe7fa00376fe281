"""Rule ff_fig3: fitted functions, train/test loss and residual frequency components for several p."""

from netspectra import io, style
from netspectra.figures import ff

io.log_output(snakemake.log)  # noqa: F821

fig = ff.plot_fig3(io.read_table(snakemake.input.curves, "ff_fit_curves"),  # noqa: F821
                   io.read_table(snakemake.input.residuals, "ff_fit_residuals"),  # noqa: F821
                   io.read_table(snakemake.input.functions, "ff_fit_functions"),  # noqa: F821
                   plot_labels=snakemake.params.plot_labels, scale=snakemake.params.scale)  # noqa: F821
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

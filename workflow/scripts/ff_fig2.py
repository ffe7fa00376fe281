"""Rule ff_fig2: NTK matrices, NTK rows and their spectra for several p."""

from netspectra import io, style
from netspectra.figures import ff

io.log_output(snakemake.log)  # noqa: F821

fig = ff.plot_fig2(io.read_table(snakemake.input.kernels, "ff_ntk_kernels"),  # noqa: F821
                   io.read_table(snakemake.input.spectra, "ff_ntk_spectra"), scale=snakemake.params.scale)  # noqa: F821
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

"""Rule sb_fig1: one panel per amplitude setting: spectrum heat map and exact layer spectral norms."""

from netspectra import io, style
from netspectra.figures import sb

io.log_output(snakemake.log)  # noqa: F821

p = snakemake.params  # noqa: F821
spectrum = io.read_table(snakemake.input.spectrum, "sb_spectrum")  # noqa: F821
norms = io.read_table(snakemake.input.norms, "sb_norms")  # noqa: F821
for setting, panel in zip(p.settings, p.panels):
    fig = sb.plot_fig1(spectrum, norms, setting, scale=p.scale)
    style.save(fig, snakemake.output[f"png_{panel}"], snakemake.output[f"pdf_{panel}"])  # noqa: F821

"""Rule sb_fig10: KNN accuracy heat maps and radial spectra of KNN vs DNN probability maps."""

from netspectra import io, style
from netspectra.figures import sb

io.log_output(snakemake.log)  # noqa: F821

inp, p = snakemake.input, snakemake.params  # noqa: F821
fig = sb.plot_fig10(io.read_table(inp.accuracy, "sb_knn_accuracy"), io.read_table(inp.radial, "sb_radial_spectrum"),
                    scale=p.scale, evaluation=p.evaluation)
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

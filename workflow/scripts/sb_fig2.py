"""Rule sb_fig2: decision regions and |logit| contours of identically trained networks."""

from netspectra import io, style
from netspectra.figures import sb

io.log_output(snakemake.log)  # noqa: F821

inp, p = snakemake.input, snakemake.params  # noqa: F821
fig = sb.plot_fig2(io.read_table(inp.maps, "sb_decision_map"), io.read_table(inp.data, "sb_decision_data"),
                   io.read_table(inp.accuracy, "sb_decision_accuracy"), scale=p.scale, k=p.k, n_petals=p.n_petals)
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

from netspectra import io, style
from netspectra.figures import rr_weightspace

io.log_output(snakemake.log)  # noqa: F821

out, params = snakemake.output, snakemake.params  # noqa: F821 (injected by Snakemake)
table = io.read_table(snakemake.input[0], "transition_paths")  # noqa: F821
style.save(rr_weightspace.transition_regimes(table, params.detrend, params.window), out.a, out.pdf_a)
style.save(rr_weightspace.transition_grid(table), out.b, out.pdf_b)

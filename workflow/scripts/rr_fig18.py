from netspectra import io, style
from netspectra.figures import rr

io.log_output(snakemake.log)  # noqa: F821

lo, hi = snakemake.params.interval  # noqa: F821
approx = io.read_table(snakemake.input[0], "chebyshev_approximation")  # noqa: F821
approx = approx[approx.interval == f"[{lo:g}, {hi:g}]"]
style.save(rr.chebyshev_approximations(approx), snakemake.output.png, snakemake.output.pdf)  # noqa: F821

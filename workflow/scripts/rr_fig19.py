from netspectra import io, style
from netspectra.figures import rr

io.log_output(snakemake.log)  # noqa: F821

lo, hi = snakemake.params.interval  # noqa: F821
coefs = io.read_table(snakemake.input[0], "chebyshev_coefficients")  # noqa: F821
coefs = coefs[coefs.interval == f"[{lo:g}, {hi:g}]"]
style.save(rr.chebyshev_coefficients(coefs), snakemake.output.png, snakemake.output.pdf)  # noqa: F821

from netspectra import io
from netspectra.figures import rr, style

coefs = io.read_table(snakemake.input[0], "chebyshev_coefficients")  # noqa: F821
style.save(rr.chebyshev_coefficients(coefs, snakemake.params.activations), snakemake.output.png, snakemake.output.pdf)  # noqa: F821

import pandas as pd

from netspectra import io
from netspectra.figures import rr_weightspace, style

corr = pd.concat([io.read_table(p, "branch_correlation") for p in snakemake.input], ignore_index=True)  # noqa: F821
style.save(rr_weightspace.branch_correlation_curves(corr), snakemake.output.png, snakemake.output.pdf)  # noqa: F821

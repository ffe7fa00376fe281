import pandas as pd

from netspectra import io, style
from netspectra.figures import rr

io.log_output(snakemake.log)  # noqa: F821

fits = pd.concat([io.read_table(p, "fits") for p in snakemake.input.fits], ignore_index=True)  # noqa: F821
style.save(rr.h_versus_depth(fits), snakemake.output.png, snakemake.output.pdf)  # noqa: F821

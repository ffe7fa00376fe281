from netspectra import io, style
from netspectra.figures import rr_weightspace

io.log_output(snakemake.log)  # noqa: F821

params = snakemake.params  # noqa: F821 (injected by Snakemake)
table = io.read_table(snakemake.input[0], "spectra")  # noqa: F821
fig = rr_weightspace.last_layer_spectra(table, params.ylabel, hue=params.hue)
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

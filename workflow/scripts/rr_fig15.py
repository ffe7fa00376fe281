from netspectra import io, style
from netspectra.figures import rr_weightspace

io.log_output(snakemake.log)  # noqa: F821

inp = snakemake.input  # noqa: F821 (injected by Snakemake)
paths, spectra = io.read_table(inp.paths, "paths"), io.read_table(inp.spectra, "spectra")
fig = rr_weightspace.layerwise(paths, spectra, snakemake.params.ylabel)  # noqa: F821
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

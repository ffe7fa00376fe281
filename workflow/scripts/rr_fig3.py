from netspectra import io, style
from netspectra.figures import rr

io.log_output(snakemake.log)  # noqa: F821

out = snakemake.output  # noqa: F821
for panel, ylabel in (("a", "power |z_k|², path-normalised"), ("b", "k²·|z_k|², path-normalised")):
    spectra = io.read_table(snakemake.input[panel], "spectra")  # noqa: F821
    style.save(rr.layer_spectra(spectra, ylabel), out[panel], out[f"pdf_{panel}"])

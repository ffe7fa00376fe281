"""Rules fp_fig1 … fp_fig7: draw one F-Principle figure from its Parquet tables (input names = table
names, schema fp_<name>)."""

from netspectra import io
from netspectra.figures import fp, style

io.log_output(snakemake.log)  # noqa: F821

tables = {name: io.read_table(path, f"fp_{name}") for name, path in snakemake.input.items()}  # noqa: F821
fig = fp.draw(snakemake.params.figure, tables, **snakemake.params.options)  # noqa: F821
style.save(fig, snakemake.output.png, snakemake.output.pdf)  # noqa: F821

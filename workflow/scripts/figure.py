"""Every figure rule: draw ``params.figures`` from the rule's named Parquet inputs through the paper catalogues
(``netspectra.papers``) and save each panel as ``<figure id><panel>.png`` and ``.pdf`` among the outputs."""

from pathlib import Path

from netspectra import io, papers, style

io.log_output(snakemake.log)  # noqa: F821

params = dict(snakemake.params.items())  # noqa: F821
tables = io.read_tables(io.named_parquet_files(snakemake.input))  # noqa: F821
outputs = {Path(f).name: f for f in snakemake.output}  # noqa: F821
for fig_id in params["figures"]:
    for panel, fig in papers.draw(fig_id, tables, params).items():
        style.save(fig, outputs[f"{fig_id}{panel}.png"], outputs[f"{fig_id}{panel}.pdf"])

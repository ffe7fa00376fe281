"""Rule claims: the claim of every catalogue figure checked from its figure's Parquet inputs.

A figure whose check raises (e.g. a table that changed shape) is listed with holds = NA and the error, and
the traceback goes to the job's log, so one broken table cannot hide the others' results.
"""

import sys
import traceback
from pathlib import Path

from netspectra import claims, io, papers

io.log_output(snakemake.log)  # noqa: F821

params = snakemake.params  # noqa: F821 (injected by Snakemake)
out = snakemake.output  # noqa: F821
rows = []
for fig_id, plan in params.figures.items():
    if not plan["evaluate"]:
        rows.append(papers.not_evaluated(fig_id, plan["reason"]))
        continue
    tables = io.read_tables(plan["inputs"])
    try:
        rows += papers.evaluate(fig_id, tables, plan["params"])
    except Exception as error:  # noqa: BLE001 (reported in the table, traceback in the log)
        print(f"claims: checking {fig_id} failed:", file=sys.stderr)
        traceback.print_exc()
        rows.append(papers.not_evaluated(fig_id, f"error while checking: {type(error).__name__}: {error}"))
table = claims.claims_table(rows, params.scale)
io.write_table(table, out.table, schema="claims", rule="claims", config={"figures": params.figures}, seed=None)
Path(out.html).write_text(claims.to_html(table, f"Paper claims checked from the Parquet data ({params.scale} scale)"))

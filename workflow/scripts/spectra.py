"""Rule spectra: average power spectrum per (variant, init, direction, layer) of an experiment, by the configured
estimator (``power``; default the paper's plain DFT) and by the detrended one (``power_detrended``)."""

import numpy as np
import pandas as pd

from netspectra import io, spectra

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
opts = job["spectra"]
GROUP = ["variant", "init", "direction", "layer", "layer_name"]
tables, meta = [], []
for path in snakemake.input:  # noqa: F821
    paths = io.read_table(path, "paths")
    grid_cols = [c for c in paths.columns if c not in io.schemas.SCHEMAS["paths"]]
    rows = []
    for key, group in paths.groupby(GROUP + grid_cols, sort=True, dropna=False):
        mean, detrended, used = spectra.estimator_powers(np.stack(group["values"].to_numpy()), **opts)
        k = spectra.frequencies(2 * len(mean))
        rows.append(pd.DataFrame(dict(zip(GROUP + grid_cols, key))
                                 | {"k": k, "power": mean, "power_detrended": detrended, "n_paths": used}))
    table = pd.concat(rows, ignore_index=True)
    table.insert(0, "experiment", job["experiment"])
    tables.append(table)
    meta.append(io.read_metadata(path)["config"])
table = pd.concat(tables, ignore_index=True)
io.write_table(table, snakemake.output[0], schema="spectra", rule="spectra",  # noqa: F821
               config={"spectra": opts, "detrended": spectra.ESTIMATORS["detrended"], "paths": meta}, seed=None)

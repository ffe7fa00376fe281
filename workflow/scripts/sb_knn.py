"""Rule sb_knn: KNN accuracy over (k, L) for every K, and radial spectra ζ of KNN and DNN probability maps
on the same grid and training points as the DNN of sb_train_decision_maps (sb-fig10)."""

import numpy as np
import pandas as pd
import torch

from netspectra import io
from netspectra.papers.sb.knn import knn_accuracy_grid, knn_probability_map
from netspectra.papers.sb.readout import radial_spectrum
from netspectra.seeds import derived_seed

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
inp, out = snakemake.input, snakemake.output  # noqa: F821
seed = derived_seed(job["seed"], "sb-fig10")
accuracy = knn_accuracy_grid(job["frequencies"], job["n_petals"], job["n_points"], job["neighbours"], seed)
maps = io.read_table(inp.dnn_map, "sb_decision_map")
data = io.read_table(inp.data, "sb_decision_data")
coords = np.sort(maps["x"].unique())
extent = 2 * job["decision_maps"]["grid_half_width"]
rows = []
for s, m in maps.groupby("seed"):
    prob = torch.sigmoid(torch.from_numpy(m.pivot(index="y", columns="x", values="logit").sort_index().to_numpy()))
    k, zeta = radial_spectrum(prob.numpy(), extent=extent)
    rows.append(pd.DataFrame({"method": "DNN", "neighbours": 0, "seed": s, "radial_frequency": k, "zeta": zeta}))
dnn = pd.concat(rows).groupby(["method", "neighbours", "radial_frequency"], as_index=False)["zeta"].mean()
knn_rows = []
for K in job["neighbours"]:
    prob = knn_probability_map(data[["x", "y"]].to_numpy(), data["label"].to_numpy(), K, coords)
    k, zeta = radial_spectrum(prob, extent=extent)
    knn_rows.append(pd.DataFrame({"method": f"KNN, K = {K}", "neighbours": K, "radial_frequency": k, "zeta": zeta}))
radial = pd.concat([*knn_rows, dnn], ignore_index=True)
io.write_table(accuracy, out.accuracy, schema="sb_knn_accuracy", rule="sb_knn", config=job, seed=seed)
io.write_table(radial, out.radial, schema="sb_radial_spectrum", rule="sb_knn", config=job, seed=seed)

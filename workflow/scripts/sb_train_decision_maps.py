"""Rule sb_train_decision_maps: n_seeds networks trained identically (up to initialisation) on the binarised
sine of frequency k on γ_L; their logits on a square grid of inputs (sb-fig2; the DNN map of sb-fig10)."""

import numpy as np
import pandas as pd
import torch

from netspectra import checkpoints, io
from netspectra.device import resolve
from netspectra.papers.sb.experiments import evaluate_grid, train_classification
from netspectra.papers.sb.manifolds import binarised_sine_grid
from netspectra.seeds import derived_seed

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
out = snakemake.output  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
k, L, n_seeds = job["frequency"], job["n_petals"], job["n_seeds"]
seed = derived_seed(job["seed"], "sb-decision-maps", k, L)
inputs, labels, _ = binarised_sine_grid([k], [L], job["n_points"], 1, seed)
members = pd.DataFrame({"seed": np.arange(n_seeds)})
result = train_classification(
    inputs[0], labels.repeat(n_seeds, 1), members, seeds=[seed + 1 + s for s in range(n_seeds)],
    width=job["network"]["width"], depth=job["network"]["depth"], n_steps=job["n_steps"],
    learning_rate=job["learning_rate"], record_every=job["n_steps"], device=resolve(job["device"]),
    checkpoint=checkpoints.for_job(snakemake.params.state, job),  # noqa: F821
    progress=f"sb decision maps k={k} L={L} training")
coords, logits = evaluate_grid(result["base"], result["params"], job["grid_half_width"], job["grid_points"])
n = len(coords)
maps = pd.DataFrame({"seed": np.repeat(np.arange(n_seeds), n * n), "x": np.tile(np.tile(coords, n), n_seeds),
                     "y": np.tile(np.repeat(coords, n), n_seeds), "logit": logits.double().numpy().reshape(-1)})
z = np.arange(job["n_points"]) / job["n_points"]
data = pd.DataFrame({"z": z, "x": inputs[0, :, 0].double().numpy(), "y": inputs[0, :, 1].double().numpy(),
                     "label": labels[0].numpy()})
final = result["history"].query("step == @job['n_steps']")[["seed", "accuracy", "loss"]]
for name, table, schema in [("maps", maps, "sb_decision_map"), ("data", data, "sb_decision_data"),
                            ("accuracy", final, "sb_decision_accuracy")]:
    io.write_table(table, out[name], schema=schema, rule="sb_train_decision_maps", config=job, seed=seed)

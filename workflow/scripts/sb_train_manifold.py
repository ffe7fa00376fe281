"""Rule sb_train_manifold: Exp. 2 — equal-amplitude sine mixtures on flower manifolds γ_L; every (L, run)
is one member of one ensemble, and run r uses the same phases for every L (sb-fig3)."""

import numpy as np
import pandas as pd
import torch

from netspectra import checkpoints, io
from netspectra.device import resolve
from netspectra.papers.sb.experiments import train_regression
from netspectra.papers.sb.manifolds import flower_dataset, sine_members
from netspectra.seeds import derived_seed

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
out = snakemake.output  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
seed = derived_seed(job["seed"], "sb-fig3")
ks, petals, runs = job["frequencies"], job["n_petals"], job["n_runs"]
_, targets, amps, _ = sine_members({"equal": [1.0] * len(ks)}, ks, job["n_points"], runs, seed)
_, inputs = flower_dataset(job["n_points"], petals)
members = pd.DataFrame({"n_petals": np.repeat(petals, runs), "replicate": np.tile(np.arange(runs), len(petals))})
result = train_regression(
    inputs.repeat_interleave(runs, dim=0), targets.repeat(len(petals), 1), ks, amps.repeat(len(petals), 1), members,
    seeds=[seed + 1 + r for r in members["replicate"]],  # same init for run r on every manifold
    width=job["network"]["width"], depth=job["network"]["depth"], n_steps=job["n_steps"],
    learning_rate=job["learning_rate"], record_every=job["record_every"], device=resolve(job["device"]),
    checkpoint=checkpoints.for_job(snakemake.params.state, job), progress="sb-fig3 training")  # noqa: F821
loss = result["loss"]
spectrum = result["spectrum"].merge(loss[["run", "step", "loss"]], on=["run", "step"], how="left")
io.write_table(spectrum, out.spectrum, schema="sb_spectrum", rule="sb_train_manifold", config=job, seed=seed)
io.write_table(loss, out.loss, schema="sb_loss", rule="sb_train_manifold", config=job, seed=seed)

"""Rule sb_train_classification_grid: Exp. 3 — the binarised sine (λ > 0) of frequency k on γ_L, one member
per (k, L, run) of one ensemble; training accuracy at sigmoid > 0.5 every record_every steps (sb-fig4)."""

import torch

from netspectra import checkpoints, io
from netspectra.device import resolve
from netspectra.papers.sb.experiments import train_classification
from netspectra.papers.sb.manifolds import binarised_sine_grid
from netspectra.seeds import derived_seed

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
seed = derived_seed(job["seed"], "sb-fig4")
inputs, labels, members = binarised_sine_grid(job["frequencies"], job["n_petals"], job["n_points"], job["n_runs"], seed)
result = train_classification(
    inputs, labels, members, seeds=[seed + 1 + r for r in range(len(members))], width=job["network"]["width"],
    depth=job["network"]["depth"], n_steps=job["n_steps"], learning_rate=job["learning_rate"],
    record_every=job["record_every"], device=resolve(job["device"]),
    checkpoint=checkpoints.for_job(snakemake.params.state, job), progress="sb-fig4 training")  # noqa: F821
io.write_table(result["history"], snakemake.output.accuracy, schema="sb_accuracy",  # noqa: F821
               rule="sb_train_classification_grid", config=job, seed=seed)

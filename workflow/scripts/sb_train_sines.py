"""Rule sb_train_sines: Exp. 1 — sine mixtures on [0, 1), every amplitude setting and run as one ensemble.

Writes the normalised spectrum |f̃(k_i)|/A_i and loss every record_every steps, the exact spectral norm of
every layer (sb-fig1), and snapshots of the learnt function (sb-fig6).
"""

import torch

from netspectra import checkpoints, io
from netspectra.device import resolve
from netspectra.papers.sb.experiments import train_regression
from netspectra.papers.sb.manifolds import sine_members
from netspectra.seeds import derived_seed

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
out = snakemake.output  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
seed = derived_seed(job["seed"], "sb-fig1")
z, targets, amps, members = sine_members(job["amplitudes"], job["frequencies"], job["n_points"], job["n_runs"], seed)
result = train_regression(
    z[:, None], targets, job["frequencies"], amps, members, seeds=[seed + 1 + m for m in range(len(members))],
    width=job["network"]["width"], depth=job["network"]["depth"], n_steps=job["n_steps"],
    learning_rate=job["learning_rate"], record_every=job["record_every"], record_norms=True,
    snapshot_steps=job["snapshot_steps"], n_snapshot_runs=len(members), device=resolve(job["device"]),
    checkpoint=checkpoints.for_job(snakemake.params.state, job), progress="sb-fig1 training")  # noqa: F821
loss = result["loss"]
spectrum = result["spectrum"].merge(loss[["run", "step", "loss"]], on=["run", "step"], how="left")
for name, table, schema in [("spectrum", spectrum, "sb_spectrum"), ("loss", loss, "sb_loss"),
                            ("norms", result["norms"], "sb_norms"), ("snapshots", result["snapshots"], "sb_snapshots")]:
    io.write_table(table, out[name], schema=schema, rule="sb_train_sines", config=job, seed=seed)

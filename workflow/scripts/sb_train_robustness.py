"""Rule sb_train_robustness: Exp. 4 — train n_models on equal-amplitude sine mixtures (one ensemble), then
|f̃| at θ* + δθ̂ averaged over random unit directions, relative to the unperturbed model (sb-fig5)."""

import numpy as np
import torch

from netspectra import checkpoints, io
from netspectra.device import resolve
from netspectra.papers.sb.experiments import perturbation_spectrum, train_regression
from netspectra.papers.sb.manifolds import sine_members
from netspectra.seeds import derived_seed

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
device = resolve(job["device"])
seed = derived_seed(job["seed"], "sb-fig5")
ks = job["frequencies"]
z, targets, amps, members = sine_members({"equal": [1.0] * len(ks)}, ks, job["n_points"], job["n_models"], seed)
trained = train_regression(
    z[:, None], targets, ks, amps, members, seeds=[seed + 1 + m for m in range(len(members))],
    width=job["network"]["width"], depth=job["network"]["depth"], n_steps=job["n_steps"],
    learning_rate=job["learning_rate"], record_every=job["n_steps"], device=device,
    checkpoint=checkpoints.for_job(snakemake.params.state, job), progress="sb-fig5 training")  # noqa: F821
sizes = np.linspace(0.0, job["max_perturbation"], job["n_perturbation_sizes"])
table = perturbation_spectrum(trained["base"], trained["params"], z[:, None].float().to(device), ks, sizes,
                              job["n_directions"], seed=seed + 999, chunk_size=job["networks_per_batch"])
final_loss = trained["loss"].query("step == @job['n_steps']").set_index("run")["loss"]
table["final_loss"] = table["run"].map(final_loss)
io.write_table(table, snakemake.output.robustness, schema="sb_robustness", rule="sb_train_robustness",  # noqa: F821
               config=job, seed=seed)

"""Rule sb_train_noise_regression: a denoising autoencoder on images of the chosen classes, then white-noise
regression on its reconstructions vs on a flat manifold of the same dimension, all runs in one ensemble
(sb-fig7)."""

import numpy as np
import torch

from netspectra import checkpoints, io
from netspectra.datasets import read_digits, read_mnist
from netspectra.device import resolve
from netspectra.papers.sb.noise_regression import (
    flat_manifold,
    match_norm,
    mean_norm,
    nearest_neighbour_spacing,
    noise_regression,
    train_dae,
)
from netspectra.seeds import derived_seed

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
device = resolve(job["device"])
seed = derived_seed(job["seed"], "sb-fig7")
if job["dataset"] == "mnist" and job["data_dir"] is not None:
    images, labels = read_mnist(job["data_dir"], "train", verify_checksums=job["verify_checksums"])
    images, source = images / 255.0, "MNIST"
else:
    images, labels = read_digits("train")
    images, source = images / 16.0, "scikit-learn digits, 8×8"
keep = np.flatnonzero(np.isin(labels, job["classes"]))
keep = np.sort(np.random.default_rng(seed).permutation(keep)[: job["max_images"]])
x = torch.from_numpy(images[keep].reshape(len(keep), -1)).float().to(device)
ae = job["autoencoder"]
# The autoencoder and the regression resume separately (sub-folders of the job's state folder); the images
# read enter the fingerprints as their digest, not as the data_dir path.
checkpoint = checkpoints.for_job(snakemake.params.state, job)  # noqa: F821
dae, dae_loss = train_dae(x, latent_dim=job["latent_dim"], hidden=ae["hidden"], noise_std=ae["noise_std"],
                          n_steps=ae["n_steps"], learning_rate=ae["learning_rate"], batch_size=ae["batch_size"],
                          seed=seed + 1, checkpoint=checkpoint.child("autoencoder"))
with torch.no_grad():
    reconstructions = dae(x)
flat = flat_manifold(len(x), x.shape[1], job["latent_dim"], seed + 2).to(device)
if job["match_norm"]:  # the same input scale on both manifolds: they then differ in shape only
    flat = match_norm(flat, reconstructions)
manifolds = {"autoencoder": reconstructions, "flat": flat}
geometry = {name: (mean_norm(v), nearest_neighbour_spacing(v)) for name, v in manifolds.items()}
losses = noise_regression(manifolds, n_runs=job["n_runs"],
                          width=job["network"]["width"], depth=job["network"]["depth"], n_steps=job["n_steps"],
                          learning_rate=job["learning_rate"], seed=seed + 3, device=device,
                          checkpoint=checkpoint.child("regression"))
digits = ", ".join(map(str, job["classes"]))
losses["source"] = f"{source}, classes {digits}, {len(x)} images, DAE code {job['latent_dim']}-d"
losses["dae_final_loss"] = float(dae_loss["loss"].tail(50).mean())
losses["input_norm"] = losses["manifold"].map({name: g[0] for name, g in geometry.items()})
losses["nn_spacing"] = losses["manifold"].map({name: g[1] for name, g in geometry.items()})
io.write_table(losses, snakemake.output.loss, schema="sb_noise_loss", rule="sb_train_noise_regression",  # noqa: F821
               config=job, seed=seed)

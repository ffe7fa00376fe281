"""Rule sb_train_noise_regression: a denoising autoencoder on images of the chosen classes, then white-noise
regression on its reconstructions vs on a flat manifold of the same dimension, all runs in one ensemble
(sb-fig7)."""

import numpy as np
import torch

from netspectra import io
from netspectra.datasets import read_digits, read_mnist
from netspectra.device import resolve
from netspectra.papers.sb.noise_regression import flat_manifold, noise_regression, train_dae
from netspectra.seeds import derived_seed

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
device = resolve(job["device"])
seed = derived_seed(job["seed"], "sb-fig7")
if job["dataset"] == "mnist" and job["data_dir"] is not None:
    images, labels = read_mnist(job["data_dir"], "train")
    images, source = images / 255.0, "MNIST"
else:
    images, labels = read_digits("train")
    images, source = images / 16.0, "scikit-learn digits, 8×8"
keep = np.flatnonzero(np.isin(labels, job["classes"]))
keep = np.sort(np.random.default_rng(seed).permutation(keep)[: job["max_images"]])
x = torch.from_numpy(images[keep].reshape(len(keep), -1)).float().to(device)
ae = job["autoencoder"]
dae, dae_loss = train_dae(x, latent_dim=job["latent_dim"], hidden=ae["hidden"], noise_std=ae["noise_std"],
                          n_steps=ae["n_steps"], learning_rate=ae["learning_rate"], batch_size=ae["batch_size"],
                          seed=seed + 1)
with torch.no_grad():
    reconstructions = dae(x)
flat = flat_manifold(len(x), x.shape[1], job["latent_dim"], seed + 2).to(device)
losses = noise_regression({"autoencoder": reconstructions, "flat": flat}, n_runs=job["n_runs"],
                          width=job["network"]["width"], depth=job["network"]["depth"], n_steps=job["n_steps"],
                          learning_rate=job["learning_rate"], seed=seed + 3, device=device)
digits = ", ".join(map(str, job["classes"]))
losses["source"] = f"{source}, classes {digits}, {len(x)} images, DAE code {job['latent_dim']}-d"
losses["dae_final_loss"] = float(dae_loss["loss"].tail(50).mean())
io.write_table(losses, snakemake.output.loss, schema="sb_noise_loss", rule="sb_train_noise_regression",  # noqa: F821
               config=job, seed=seed)

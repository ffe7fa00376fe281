"""White-noise regression on a curved data manifold vs a flat one (On the Spectral Bias, App. A.3, sb-fig7).

The curved manifold is the image of a denoising autoencoder's decoder: the network regresses on the
autoencoder's reconstructions of real images. The flat manifold of the same dimension is
``U([0, 1])^latent_dim`` embedded in the first ``latent_dim`` input coordinates (all others zero). The target
is white noise, ``U([0, 1])`` scalars, whose spectrum is flat in expectation whatever the coordinates.
"""

from __future__ import annotations

import math
from typing import Sequence

import pandas as pd
import torch
from torch import nn

from netspectra.checkpoints import Checkpointer, tensor_digest
from netspectra.ensemble import init_stacked, train_ensemble
from netspectra.models import mlp
from netspectra.progress import Progress


class DenoisingAutoencoder(nn.Module):
    """``d -> hidden -> latent_dim`` (ReLU encoder) and ``latent_dim -> hidden -> d`` (sigmoid decoder)."""

    def __init__(self, in_features: int, hidden: int, latent_dim: int):
        super().__init__()
        self.encoder = mlp(in_features, [hidden], latent_dim)
        self.decoder = mlp(latent_dim, [hidden], in_features, output="sigmoid")

    def forward(self, x):
        return self.decoder(self.encoder(x))


def train_dae(images: torch.Tensor, *, latent_dim: int, hidden: int, noise_std: float, n_steps: int,
              learning_rate: float, batch_size: int, seed: int,
              checkpoint: Checkpointer | None = None) -> tuple[DenoisingAutoencoder, pd.DataFrame]:
    """Train a denoising autoencoder on ``images`` (N, d) with values in [0, 1].

    Inputs are corrupted by additive Gaussian noise of std ``noise_std`` (clipped to [0, 1]); the loss is
    the MSE to the clean image; Adam on seeded mini-batches. Returns the model (eval mode) and the loss
    history (step, loss). ``checkpoint`` saves (model, optimiser, batch generator, losses so far) as often
    as it asks and resumes the newest one.
    """
    g = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        dae = DenoisingAutoencoder(images.shape[1], hidden, latent_dim).to(images.device)
    opt = torch.optim.Adam(dae.parameters(), lr=learning_rate)
    losses = torch.zeros(n_steps, dtype=torch.float64)
    start = 0
    if checkpoint is not None:
        checkpoint = checkpoint.extended(tensor_digest(images, *dae.state_dict().values()))
        state = checkpoint.resume(images.device)
        if state is not None:
            dae.load_state_dict(state["model"])
            opt.load_state_dict(state["optimizer"])
            g.set_state(state["generator"])
            losses, start = state["losses"], state["step"]
    n = images.shape[0]
    with Progress(n_steps, "sb-fig7 autoencoder", start=start) as bar:
        for step in range(start, n_steps):
            if checkpoint is not None and checkpoint.due(step):
                checkpoint.save(step, {"model": dae.state_dict(), "optimizer": opt.state_dict(),
                                       "generator": g.get_state(), "losses": losses})
            idx = torch.randint(n, (min(batch_size, n),), generator=g).to(images.device)
            clean = images[idx]
            noisy = (clean + noise_std * torch.randn(clean.shape, generator=g).to(clean)).clamp(0, 1)
            loss = ((dae(noisy) - clean) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses[step] = loss.item()
            bar.update(loss=losses[step])
    if checkpoint is not None and start < n_steps:
        checkpoint.save(n_steps, {"model": dae.state_dict(), "optimizer": opt.state_dict(),
                                  "generator": g.get_state(), "losses": losses})
    dae.eval()
    return dae, pd.DataFrame({"step": range(n_steps), "loss": losses.numpy()})


def flat_manifold(n_samples: int, in_features: int, latent_dim: int, seed: int) -> torch.Tensor:
    """``U([0, 1])`` in the first ``latent_dim`` coordinates, zero in the others: shape (n_samples, in_features)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.zeros(n_samples, in_features)
    x[:, :latent_dim] = torch.rand(n_samples, latent_dim, generator=g)
    return x


def mean_norm(x: torch.Tensor) -> float:
    """Mean Euclidean norm of the rows of ``x`` (N, d)."""
    return float(x.norm(dim=1).mean())


def nearest_neighbour_spacing(x: torch.Tensor, chunk_size: int = 1024) -> float:
    """Mean over the rows of ``x`` (N, d) of the distance to the nearest other row (``torch.cdist`` in chunks)."""
    nearest = []
    for start in range(0, len(x), chunk_size):
        d = torch.cdist(x[start:start + chunk_size], x)
        d[torch.arange(d.shape[0]), torch.arange(start, start + d.shape[0])] = math.inf  # not the point itself
        nearest.append(d.min(dim=1).values)
    return float(torch.cat(nearest).mean())


def match_norm(x: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """``x`` scaled so that its mean row norm equals ``reference``'s: the two manifolds then differ in shape, not
    in input scale (which by itself changes how fast a ReLU network fits)."""
    return x * (mean_norm(reference) / mean_norm(x))


def noise_regression(manifolds: dict[str, torch.Tensor], *, n_runs: int, width: int, depth: int, n_steps: int,
                     learning_rate: float, seed: int, seeds: Sequence[int] | None = None,
                     device: torch.device | str = "cpu", checkpoint: Checkpointer | None = None) -> pd.DataFrame:
    """Regress white noise on every manifold, ``n_runs`` runs each, all as one batched ensemble.

    ``manifolds``: name -> inputs (N, d), all with the same N and d. Run r uses the same noise targets
    and the same initialisation on every manifold (a paired comparison). Full-batch Adam, MSE.
    Returns (manifold, run, step, loss) for every step.
    """
    names = list(manifolds)
    shapes = {tuple(v.shape) for v in manifolds.values()}
    if len(shapes) != 1:
        raise ValueError(f"manifolds need equal shapes (N, d), got {shapes}")
    n, d = shapes.pop()
    g = torch.Generator().manual_seed(seed)
    noise = torch.rand(n_runs, n, generator=g)
    x = torch.stack([manifolds[name] for name in names for _ in range(n_runs)]).to(device)  # (M, N, d)
    y = noise.repeat(len(names), 1).unsqueeze(-1).to(device)
    init_seeds = list(seeds) if seeds is not None else [seed + 1 + r for r in range(n_runs)]
    base, params = init_stacked(lambda s: mlp(d, [width] * depth), init_seeds * len(names), device=device)

    def mse(out, target):
        return ((out - target) ** 2).mean()

    res = train_ensemble(base, params, x, y, mse, n_steps=n_steps, learning_rate=learning_rate,
                         record_every=max(n_steps, 1), member_inputs=True, member_targets=True,
                         checkpoint=checkpoint, progress="sb-fig7 noise regression")
    losses = res.losses
    losses["manifold"] = [names[r // n_runs] for r in losses["run"]]
    losses["run"] = losses["run"] % n_runs
    return losses[["manifold", "run", "step", "loss"]]

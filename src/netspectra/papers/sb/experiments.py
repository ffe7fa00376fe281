"""Experiments 1–4 of Rahaman et al. (2019), "On the Spectral Bias of Neural Networks", as batched ensembles.

Every function trains the independent runs of one experiment (phases, seeds, manifold parameter L,
frequency k) as ONE batched model (:mod:`netspectra.ensemble`) of ReLU MLPs (:func:`netspectra.models.mlp`,
PyTorch's default initialisation, as the authors) and returns long tables:

- :func:`train_regression`: regression of sine mixtures, on the line (Exp. 1, sb-fig1/fig6/fig5) or on
  flower manifolds γ_L (Exp. 2, sb-fig3); records the normalised spectrum |f̃(k_i)|/A_i and the loss
  every ``record_every`` steps, optionally the exact spectral norm of every layer and function snapshots.
- :func:`train_classification`: the binarised single sine on γ_L (Exp. 3, sb-fig4, sb-fig2, sb-fig10);
  :func:`evaluate_grid` gives the trained networks' outputs on a square grid of inputs (decision maps).
- :func:`perturbation_spectrum`: |f̃_θ(k_i)| averaged over random unit directions at θ* + δθ̂ (Exp. 4, sb-fig5).

Members are described by a ``members`` DataFrame (one row per member, in stacking order); its columns
(e.g. ``setting``, ``n_petals``, ``replicate``) are joined onto every output row, with ``run`` = row index.
The inputs and targets come from :mod:`.manifolds`, the read-out from :mod:`.readout`; the other sb code:
:mod:`.knn` (sb-fig10), :mod:`.noise_regression` (sb-fig7), :mod:`.input_paths` (sb-fig8/9).
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn

from netspectra.checkpoints import Checkpointer
from netspectra.ensemble import StackedParams, init_stacked, n_members, predict, train_ensemble
from netspectra.models import mlp, spectral_norm

from .manifolds import sample_grid
from .readout import readout


def _join(rows: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    meta = members.reset_index(drop=True).rename_axis("run").reset_index()
    return rows.merge(meta, on="run", how="left")


def _long(values: np.ndarray, step: int, names: tuple[str, str], labels: Sequence, value: str) -> pd.DataFrame:
    """(M, J) array -> rows (run, step, names[1]=labels[j], value)."""
    m, j = values.shape
    return pd.DataFrame({"run": np.repeat(np.arange(m), j), "step": step,
                         names[1]: np.tile(np.asarray(labels), m), value: values.reshape(-1)})


def train_regression(inputs: torch.Tensor, targets: torch.Tensor, frequencies: Sequence[int],
                     amplitudes: torch.Tensor, members: pd.DataFrame, *, seeds: Sequence[int], width: int,
                     depth: int, n_steps: int, learning_rate: float, record_every: int, record_norms: bool = False,
                     snapshot_steps: Sequence[int] = (), n_snapshot_runs: int = 0,
                     device: torch.device | str = "cpu", checkpoint: Checkpointer | None = None,
                     progress: str = "sb training") -> dict[str, pd.DataFrame | StackedParams]:
    """Full-batch Adam regression of ``targets`` with one MLP per member, MSE loss.

    ``inputs``: (N, d) shared or (M, N, d) per member (e.g. γ_L(z) for each member's L); ``targets``: (M, N),
    sampled on z = arange(N)/N so that the read-out of ``f(inputs)`` along the N points is the spectrum of
    f∘γ on the latent grid. ``amplitudes``: (M, K) target amplitudes used to normalise the read-out.
    Returns ``spectrum`` (run, step, k, amplitude, normalised_amplitude), ``loss`` (run, step, loss),
    ``norms`` (run, step, layer, spectral_norm) when ``record_norms``, ``snapshots`` (run, step, z,
    prediction, target) for the first ``n_snapshot_runs`` runs at ``snapshot_steps``, and the trained
    ensemble (``base`` module and stacked ``params``). ``checkpoint``: resume and save the training state
    (:func:`netspectra.ensemble.train_ensemble`).
    """
    device = torch.device(device)
    member_inputs = inputs.dim() == 3
    m = len(members)
    if targets.shape[0] != m or (member_inputs and inputs.shape[0] != m):
        raise ValueError(f"members has {m} rows but inputs {tuple(inputs.shape)}, targets {tuple(targets.shape)}")
    x = inputs.to(device=device, dtype=torch.float32)
    y = targets.to(device=device, dtype=torch.float32).unsqueeze(-1)
    amps = amplitudes.to(device=device, dtype=torch.float32)
    ks = list(frequencies)
    n = targets.shape[1]
    base, params = init_stacked(lambda s: mlp(x.shape[-1], [width] * depth), seeds, device=device)
    snapshot_steps = set(int(s) for s in snapshot_steps)
    z = sample_grid(n).numpy()

    def record(step, stacked):
        out = predict(base, stacked, x, member_inputs=member_inputs)[..., 0]  # (M, N)
        raw = readout(out, ks)
        spec = _long(raw.cpu().double().numpy(), step, ("run", "k"), ks, "amplitude")
        spec["normalised_amplitude"] = (raw / amps).cpu().double().numpy().reshape(-1)
        rows = {"spectrum": spec}
        if record_norms:
            weights = [p for name, p in stacked.items() if name.endswith("weight")]  # (M, out, in), input first
            norms = torch.stack([spectral_norm(w) for w in weights], dim=1).cpu().double().numpy()
            rows["norms"] = _long(norms, step, ("run", "layer"), np.arange(norms.shape[1]), "spectral_norm")
        if step in snapshot_steps and n_snapshot_runs > 0:
            rows["snapshots"] = pd.concat([pd.DataFrame({"run": r, "step": step, "z": z,
                                                         "prediction": out[r].cpu().double().numpy(),
                                                         "target": y[r, :, 0].cpu().double().numpy()})
                                           for r in range(min(n_snapshot_runs, m))], ignore_index=True)
        return rows

    def mse(out, target):
        return ((out - target) ** 2).mean()

    # Record at every multiple of record_every and at the snapshot steps.
    every = math.gcd(record_every, *snapshot_steps) if snapshot_steps else record_every

    def record_maybe(step, stacked):
        if step % record_every == 0 or step == n_steps or step in snapshot_steps:
            return record(step, stacked)
        return None

    result = train_ensemble(base, params, x, y, mse, n_steps=n_steps, learning_rate=learning_rate,
                            record_every=every, record_fn=record_maybe, member_inputs=member_inputs,
                            member_targets=True, loss_every=1, checkpoint=checkpoint, progress=progress)
    out = {
        "spectrum": _join(result.tables["spectrum"], members),
        "loss": _join(result.losses, members),
        "base": base,
        "params": result.params,
    }
    for name in ("norms", "snapshots"):
        if name in result.tables:
            out[name] = _join(result.tables[name], members)
    return out


def accuracy_from_logits(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Fraction of points with (logit > 0) == label, per member: logits, labels (M, N) -> (M,)."""
    return ((logits > 0) == (labels > 0.5)).double().mean(-1)


def train_classification(inputs: torch.Tensor, labels: torch.Tensor, members: pd.DataFrame, *,
                         seeds: Sequence[int], width: int, depth: int, n_steps: int, learning_rate: float,
                         record_every: int, device: torch.device | str = "cpu",
                         checkpoint: Checkpointer | None = None, progress: str = "sb training") -> dict:
    """Full-batch Adam, BCE-with-logits on binary ``labels`` (M, N) at ``inputs`` (M, N, d) or (N, d).

    Returns ``history`` (run, step, loss, accuracy: training accuracy at sigmoid > 0.5), ``base`` and
    ``params`` (the trained ensemble, for evaluating decision maps). ``checkpoint``: resume and save the
    training state (:func:`netspectra.ensemble.train_ensemble`).
    """
    device = torch.device(device)
    member_inputs = inputs.dim() == 3
    x = inputs.to(device=device, dtype=torch.float32)
    y = labels.to(device=device, dtype=torch.float32).unsqueeze(-1)
    base, params = init_stacked(lambda s: mlp(x.shape[-1], [width] * depth), seeds, device=device)

    def record(step, stacked):
        logits = predict(base, stacked, x, member_inputs=member_inputs)[..., 0]
        acc = accuracy_from_logits(logits, y[..., 0]).cpu().numpy()
        return pd.DataFrame({"run": np.arange(len(acc)), "step": step, "accuracy": acc})

    bce = nn.functional.binary_cross_entropy_with_logits
    result = train_ensemble(base, params, x, y, bce, n_steps=n_steps, learning_rate=learning_rate,
                            record_every=record_every, record_fn=record, member_inputs=member_inputs,
                            member_targets=True, loss_every=record_every, checkpoint=checkpoint, progress=progress)
    history = result.records.merge(result.losses, on=["run", "step"], how="left")
    return {"history": _join(history, members), "base": base, "params": result.params}


def unit_directions(stacked: StackedParams, n_directions: int, seed: int) -> StackedParams:
    """Directions θ̂ i.i.d. normal over ALL parameters (biases included), each of global unit norm.

    Returns tensors of shape (M, n_directions, *param.shape), on the parameters' device.
    """
    g = torch.Generator().manual_seed(seed)
    m = n_members(stacked)
    raw = {n: torch.randn(m, n_directions, *p.shape[1:], generator=g, dtype=torch.float32)
           for n, p in stacked.items()}
    norm = torch.sqrt(sum((d.flatten(2) ** 2).sum(-1) for d in raw.values()))  # (M, D)
    return {n: (d / norm.view(m, n_directions, *([1] * (d.dim() - 2)))).to(stacked[n].device)
            for n, d in raw.items()}


def perturbation_spectrum(base: nn.Module, stacked: StackedParams, inputs: torch.Tensor, frequencies: Sequence[int],
                          perturbation_sizes: Sequence[float], n_directions: int, seed: int,
                          chunk_size: int = 256) -> pd.DataFrame:
    """Mean over random unit directions θ̂ of |f̃_{θ*+δθ̂}(k_i)|, divided by the unperturbed model's value.

    ``inputs``: (N, d) shared grid. For every trained member m, direction d and size δ the network is
    evaluated at θ*_m + δ θ̂_{m,d} (in batches of ``chunk_size`` networks). The normalisation divides by
    the δ = 0 read-out computed the same way, so with δ = 0 on the grid that row is exactly 1.
    Returns rows (run, perturbation_size, k, mean_amplitude, relative_amplitude).
    """
    sizes = torch.as_tensor(list(perturbation_sizes), dtype=torch.float32)
    if not torch.any(sizes == 0):
        sizes = torch.cat([torch.zeros(1), sizes])
    dirs = unit_directions(stacked, n_directions, seed)
    theta = {n: p.detach() for n, p in stacked.items()}
    m, n_sizes, ks = n_members(stacked), len(sizes), list(frequencies)
    # every (member, direction, size) combination as one flat network index
    combos = torch.cartesian_prod(torch.arange(m), torch.arange(n_directions), torch.arange(n_sizes))
    amplitude = torch.empty(len(combos), len(ks))
    for chunk in torch.split(torch.arange(len(combos)), chunk_size):
        mi, di, si = combos[chunk].unbind(1)
        delta = sizes[si].to(inputs.device)
        params = {n: theta[n][mi] + delta.view(-1, *([1] * (theta[n].dim() - 1))) * dirs[n][mi, di]
                  for n in theta}
        out = predict(base, params, inputs)[..., 0]  # (chunk, N)
        amplitude[chunk] = readout(out, ks).cpu()
    mean = amplitude.view(m, n_directions, n_sizes, len(ks)).mean(1).double()  # (M, S, K)
    reference = mean[:, (sizes == 0).nonzero()[0, 0]]  # (M, K)
    relative = mean / reference[:, None, :]
    rows = pd.DataFrame({
        "run": np.repeat(np.arange(m), n_sizes * len(ks)),
        "perturbation_size": np.tile(np.repeat(sizes.double().numpy(), len(ks)), m),
        "k": np.tile(np.asarray(ks), m * n_sizes),
        "mean_amplitude": mean.numpy().reshape(-1),
        "relative_amplitude": relative.numpy().reshape(-1),
    })
    return rows


def evaluate_grid(base: nn.Module, stacked: StackedParams, half_width: float, n_grid: int,
                  chunk_size: int = 8192) -> tuple[np.ndarray, torch.Tensor]:
    """Network outputs on an n_grid × n_grid grid over [-half_width, half_width)²: (coords (n,), (M, n, n)).

    The grid is periodic-style (endpoint excluded) so that its 2-D DFT has integer frequency bins.
    """
    coords = (torch.arange(n_grid, dtype=torch.float64) / n_grid * 2 - 1) * half_width
    gx, gy = torch.meshgrid(coords, coords, indexing="xy")  # rows = y, columns = x
    pts = torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1).float().to(next(iter(stacked.values())).device)
    out = predict(base, stacked, pts, chunk_size=chunk_size)[..., 0]
    return coords.numpy(), out.reshape(-1, n_grid, n_grid).cpu()

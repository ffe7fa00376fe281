"""Experiments 1–4 of Rahaman et al. (2019), "On the Spectral Bias of Neural Networks", as batched ensembles.

Every function trains the independent runs of one experiment (phases, seeds, manifold parameter L,
frequency k) as ONE batched model (:mod:`netspectra.ensemble`) and returns long tables:

- :func:`train_regression`: regression of sine mixtures, on the line (Exp. 1, sb-fig1/fig6/fig5) or on
  flower manifolds γ_L (Exp. 2, sb-fig3); records the normalised spectrum |f̃(k_i)|/A_i and the loss
  every ``record_every`` steps, optionally the exact spectral norm of every layer and function snapshots.
- :func:`train_classification`: the binarised single sine on γ_L (Exp. 3, sb-fig4, sb-fig2, sb-fig10).
- :func:`perturbation_spectrum`: |f̃_θ(k_i)| averaged over random unit directions at θ* + δθ̂ (Exp. 4, sb-fig5).

Members are described by a ``members`` DataFrame (one row per member, in stacking order); its columns
(e.g. ``setting``, ``n_petals``, ``replicate``) are joined onto every output row, with ``run`` = row index.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import torch
from torch import nn

from .ensemble import StackedParams, init_stacked, member_losses, n_members, predict, train_ensemble
from .inputspectra import exact_spectral_norm, flower, readout, sample_grid, sine_mixture


def relu_mlp(in_features: int, width: int, depth: int, out_features: int = 1) -> nn.Sequential:
    """``depth`` hidden layers of ``width`` ReLU units; PyTorch's default initialisation (as the authors)."""
    sizes = [in_features] + [width] * depth
    mods: list[nn.Module] = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        mods += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*mods, nn.Linear(width, out_features))


def weight_names(stacked: StackedParams) -> list[str]:
    """Names of the stacked 2-D weight matrices (shape (M, out, in)), input layer first."""
    return [n for n, p in stacked.items() if n.endswith("weight") and p.dim() == 3]


def layer_spectral_norms(stacked: StackedParams) -> torch.Tensor:
    """Exact spectral norm (largest singular value) of every layer's weight: shape (M, n_layers)."""
    return torch.stack([exact_spectral_norm(stacked[n]) for n in weight_names(stacked)], dim=1)


def random_phases(n_runs: int, n_frequencies: int, seed: int) -> torch.Tensor:
    """φ ~ U[0, 2π) per run and frequency, shape (n_runs, n_frequencies), float64."""
    g = torch.Generator().manual_seed(seed)
    return 2 * math.pi * torch.rand(n_runs, n_frequencies, generator=g, dtype=torch.float64)


def sine_members(amplitude_settings: Mapping[str, Sequence[float]], frequencies: Sequence[int], n_points: int,
                 n_runs: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, pd.DataFrame]:
    """Exp. 1 data: ``n_runs`` random-phase targets per amplitude setting, all settings stacked.

    Returns z (N,), targets (M, N), amplitudes (M, K) and the members table (setting, replicate),
    with M = n_settings · n_runs; float64. Every setting draws its own phases.
    """
    z = sample_grid(n_points, dtype=torch.float64)
    names = list(amplitude_settings)
    phases = random_phases(len(names) * n_runs, len(frequencies), seed)
    amps = torch.tensor([amplitude_settings[n] for n in names for _ in range(n_runs)], dtype=torch.float64)
    targets = sine_mixture(z, frequencies, amps, phases)
    members = pd.DataFrame({"setting": np.repeat(names, n_runs), "replicate": np.tile(np.arange(n_runs), len(names))})
    return z, targets, amps, members


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
                     device: torch.device | str = "cpu") -> dict[str, pd.DataFrame | StackedParams]:
    """Full-batch Adam regression of ``targets`` with one MLP per member, MSE loss.

    ``inputs``: (N, d) shared or (M, N, d) per member (e.g. γ_L(z) for each member's L); ``targets``: (M, N),
    sampled on z = arange(N)/N so that the read-out of ``f(inputs)`` along the N points is the spectrum of
    f∘γ on the latent grid. ``amplitudes``: (M, K) target amplitudes used to normalise the read-out.
    Returns ``spectrum`` (run, step, k, amplitude, normalised_amplitude), ``loss`` (run, step, loss),
    ``norms`` (run, step, layer, spectral_norm) when ``record_norms``, ``snapshots`` (run, step, z,
    prediction, target) for the first ``n_snapshot_runs`` runs at ``snapshot_steps``, and the trained
    ensemble (``base`` module and stacked ``params``).
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
    base, params = init_stacked(lambda s: relu_mlp(x.shape[-1], width, depth), seeds, device=device)
    snapshot_steps = set(int(s) for s in snapshot_steps)
    spec_rows, norm_rows, snap_rows = [], [], []
    z = sample_grid(n).numpy()

    def record(step, stacked):
        out = predict(base, stacked, x, member_inputs=member_inputs)[..., 0]  # (M, N)
        raw = readout(out, ks)
        spec = _long(raw.cpu().double().numpy(), step, ("run", "k"), ks, "amplitude")
        spec["normalised_amplitude"] = (raw / amps).cpu().double().numpy().reshape(-1)
        spec_rows.append(spec)
        if record_norms:
            norms = layer_spectral_norms(stacked).cpu().double().numpy()
            norm_rows.append(_long(norms, step, ("run", "layer"), np.arange(norms.shape[1]), "spectral_norm"))
        if step in snapshot_steps:
            for r in range(min(n_snapshot_runs, m)):
                snap_rows.append(pd.DataFrame({"run": r, "step": step, "z": z,
                                               "prediction": out[r].cpu().double().numpy(),
                                               "target": y[r, :, 0].cpu().double().numpy()}))

    def mse(out, target):
        return ((out - target) ** 2).mean()

    # Record at every multiple of record_every and at the snapshot steps.
    every = math.gcd(record_every, *snapshot_steps) if snapshot_steps else record_every

    def record_maybe(step, stacked):
        if step % record_every == 0 or step == n_steps or step in snapshot_steps:
            record(step, stacked)

    result = train_ensemble(base, params, x, y, mse, n_steps=n_steps, learning_rate=learning_rate,
                            record_every=every, record_fn=record_maybe, member_inputs=member_inputs,
                            member_targets=True, loss_every=1)
    out = {
        "spectrum": _join(pd.concat(spec_rows, ignore_index=True), members),
        "loss": _join(result.losses, members),
        "base": base,
        "params": result.params,
    }
    if record_norms:
        out["norms"] = _join(pd.concat(norm_rows, ignore_index=True), members)
    if snap_rows:
        out["snapshots"] = _join(pd.concat(snap_rows, ignore_index=True), members)
    return out


def accuracy_from_logits(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Fraction of points with (logit > 0) == label, per member: logits, labels (M, N) -> (M,)."""
    return ((logits > 0) == (labels > 0.5)).double().mean(-1)


def train_classification(inputs: torch.Tensor, labels: torch.Tensor, members: pd.DataFrame, *,
                         seeds: Sequence[int], width: int, depth: int, n_steps: int, learning_rate: float,
                         record_every: int, device: torch.device | str = "cpu") -> dict:
    """Full-batch Adam, BCE-with-logits on binary ``labels`` (M, N) at ``inputs`` (M, N, d) or (N, d).

    Returns ``history`` (run, step, loss, accuracy: training accuracy at sigmoid > 0.5), ``base`` and
    ``params`` (the trained ensemble, for evaluating decision maps).
    """
    device = torch.device(device)
    member_inputs = inputs.dim() == 3
    x = inputs.to(device=device, dtype=torch.float32)
    y = labels.to(device=device, dtype=torch.float32).unsqueeze(-1)
    base, params = init_stacked(lambda s: relu_mlp(x.shape[-1], width, depth), seeds, device=device)
    rows = []

    def record(step, stacked):
        logits = predict(base, stacked, x, member_inputs=member_inputs)[..., 0]
        acc = accuracy_from_logits(logits, y[..., 0]).cpu().numpy()
        rows.append(pd.DataFrame({"run": np.arange(len(acc)), "step": step, "accuracy": acc}))

    bce = nn.functional.binary_cross_entropy_with_logits
    result = train_ensemble(base, params, x, y, bce, n_steps=n_steps, learning_rate=learning_rate,
                            record_every=record_every, record_fn=record, member_inputs=member_inputs,
                            member_targets=True, loss_every=record_every)
    history = pd.concat(rows, ignore_index=True).merge(result.losses, on=["run", "step"], how="left")
    return {"history": _join(history, members), "base": base, "params": result.params}


def binarised_sine_grid(frequencies: Sequence[int], n_petals: Sequence[int], n_points: int, n_runs: int,
                        seed: int) -> tuple[torch.Tensor, torch.Tensor, pd.DataFrame]:
    """Exp. 3 data for every (k, L, run): inputs γ_L(z) (M, N, 2), labels 1[sin(2πkz + φ) > 0] (M, N).

    φ ~ U[0, 2π) per member; members ordered k-major, then L, then run. The authors' notebook thresholds
    λ at 0 (the paper's text says 0.5, which a unit sine would rarely exceed).
    """
    z = sample_grid(n_points, dtype=torch.float64)
    _, shapes = flower_dataset(n_points, n_petals)
    members = pd.DataFrame([(k, L, r) for k in frequencies for L in n_petals for r in range(n_runs)],
                           columns=["k", "n_petals", "replicate"])
    phases = random_phases(len(members), 1, seed)[:, 0]
    k = torch.tensor(members["k"].tolist(), dtype=torch.float64)
    labels = (torch.sin(2 * math.pi * k[:, None] * z[None] + phases[:, None]) > 0).double()
    index = {L: i for i, L in enumerate(n_petals)}
    inputs = shapes[[index[L] for L in members["n_petals"]]]
    return inputs, labels, members


def flower_dataset(n_points: int, n_petals: Sequence[float], dtype=torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """z = arange(N)/N and the inputs γ_L(z) for each L: shapes (N,), (len(n_petals), N, 2)."""
    z = sample_grid(n_points, dtype=torch.float64)
    x = torch.stack([flower(z, float(L)) for L in n_petals])
    return z.to(dtype), x.to(dtype)


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


def training_loss(base: nn.Module, stacked: StackedParams, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """MSE of every member on its targets (M, N) at shared inputs (N, d): shape (M,)."""
    def mse(out, target):
        return ((out[..., 0] - target) ** 2).mean()

    with torch.no_grad():
        return member_losses(base, stacked, inputs, targets, mse, member_targets=True)


def knn_accuracy_grid(frequencies: Sequence[int], n_petals: Sequence[int], n_points: int,
                      neighbours: Sequence[int], seed: int) -> pd.DataFrame:
    """K-nearest-neighbour classifiers (scikit-learn) on the Exp. 3 task for every (K, k, L).

    Each (k, L) has one random phase. Accuracy on the training points (``train``: the point itself is
    among its neighbours, so K = 1 scores 1) and on the N midpoints z_j + 1/(2N) between them (``heldout``).
    Returns rows (neighbours, k, n_petals, evaluation, accuracy).
    """
    from sklearn.neighbors import KNeighborsClassifier

    z = sample_grid(n_points, dtype=torch.float64)
    mid = z + 0.5 / n_points
    g = torch.Generator().manual_seed(seed)
    rows = []
    for k in frequencies:
        for L in n_petals:
            phase = 2 * math.pi * torch.rand((), generator=g, dtype=torch.float64)
            x_train, x_mid = flower(z, float(L)).numpy(), flower(mid, float(L)).numpy()
            y_train = (torch.sin(2 * math.pi * k * z + phase) > 0).numpy()
            y_mid = (torch.sin(2 * math.pi * k * mid + phase) > 0).numpy()
            for K in neighbours:
                knn = KNeighborsClassifier(n_neighbors=min(K, n_points)).fit(x_train, y_train)
                rows.append((K, k, L, "train", knn.score(x_train, y_train)))
                rows.append((K, k, L, "heldout", knn.score(x_mid, y_mid)))
    return pd.DataFrame(rows, columns=["neighbours", "k", "n_petals", "evaluation", "accuracy"])


def knn_probability_map(x_train: np.ndarray, labels: np.ndarray, neighbours: int, coords: np.ndarray) -> np.ndarray:
    """P(class 1) of a K-NN classifier on the square grid ``coords`` × ``coords``: shape (n, n), rows = y."""
    from sklearn.neighbors import KNeighborsClassifier

    gx, gy = np.meshgrid(coords, coords, indexing="xy")
    knn = KNeighborsClassifier(n_neighbors=neighbours).fit(x_train, labels.astype(int))
    proba = knn.predict_proba(np.stack([gx.ravel(), gy.ravel()], axis=1))
    return proba[:, list(knn.classes_).index(1)].reshape(len(coords), len(coords))

"""The inputs and targets of Exp. 1–3 (On the Spectral Bias of Neural Networks): the periodic grid on [0, 1),
the flower manifolds γ_L, sine mixtures with random phases and binarised sines sampled on them.

- :func:`flower`: the manifold γ_L(z) = (1 + ½ sin(2πLz)) (cos 2πz, sin 2πz); a unit circle at L = 0.
- :func:`sine_members`: Exp. 1 targets, one member per (amplitude setting, run).
- :func:`binarised_sine_grid`: Exp. 3 inputs and labels, one member per (k, L, run).
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import torch


def sample_grid(n_points: int, dtype=torch.float32, device=None) -> torch.Tensor:
    """z = arange(N)/N: N equally spaced points in [0, 1) (periodic grid, as in the authors' notebooks)."""
    return torch.arange(n_points, dtype=dtype, device=device) / n_points


def sine_mixture(z: torch.Tensor, frequencies, amplitudes, phases: torch.Tensor) -> torch.Tensor:
    """λ(z) = Σ_i A_i sin(2π k_i z + φ_i) for R sets of phases.

    ``z``: (N,); ``frequencies``: (K,); ``amplitudes``: (K,) shared or (R, K) per set; ``phases``: (R, K)
    in radians. Returns (R, N).
    """
    k = torch.as_tensor(frequencies, dtype=z.dtype, device=z.device)
    a = torch.as_tensor(amplitudes, dtype=z.dtype, device=z.device)
    a = a if a.dim() == 2 else a[None]
    arg = 2 * torch.pi * k[None, :, None] * z[None, None, :] + phases.to(z)[:, :, None]
    return (a[:, :, None] * torch.sin(arg)).sum(1)


def flower(z: torch.Tensor, n_petals: float) -> torch.Tensor:
    """γ_L(z) = (1 + ½ sin(2πLz)) (cos 2πz, sin 2πz) with L = ``n_petals``; ``z`` (N,) -> (N, 2)."""
    radius = 1 + 0.5 * torch.sin(2 * torch.pi * n_petals * z)
    return torch.stack([radius * torch.cos(2 * torch.pi * z), radius * torch.sin(2 * torch.pi * z)], dim=-1)


def flower_dataset(n_points: int, n_petals: Sequence[float], dtype=torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """z = arange(N)/N and the inputs γ_L(z) for each L: shapes (N,), (len(n_petals), N, 2)."""
    z = sample_grid(n_points, dtype=torch.float64)
    x = torch.stack([flower(z, float(L)) for L in n_petals])
    return z.to(dtype), x.to(dtype)


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

"""Band-limited linear correlation of paired paths, and of the two branches of every residual block.

Ringing ReLUs Sec. 3.5/4.4 (frequency-dependent signal averaging): the harmonics a residual branch adds
are less correlated with the main (skip) branch at high frequencies, so adding the two damps them. We
measure this per frequency band: both paths of a pair are band-passed with a Gaussian filter in the
Fourier domain, and the Pearson correlation of the two filtered paths is taken over t.

The correlation is computed in the Fourier domain (Parseval): for real paths a, b of N samples with
rFFT A, B and a real filter G that is zero at k = 0,

    Σ_t a_G(t)·b_G(t) = (1/N)·Σ_k w_k·G_k²·Re(A_k·conj(B_k)),

with w_k = 2 for 0 < k < N/2 and 1 at the Nyquist bin (N even), so no inverse transform is needed. The
filtered paths have zero mean (G_0 = 0), so this inner product normalised by the two norms is their
Pearson correlation.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch
from torch import nn

from netspectra.directions import make_direction
from netspectra.paths import PathEvaluator, sample_indices
from netspectra.seeds import seed_for
from netspectra.spectra import DETRENDS, WINDOWS

RELATIVE_FLOOR = 1e-12

__all__ = ["band_centres", "gaussian_bands", "band_correlation", "independent_floor", "branch_modules",
           "branch_correlation"]


def band_centres(n_points: int, n_bins: int) -> np.ndarray:
    """Centre frequencies (cycles per path), evenly spaced over k = 1 … n_points // 2: ``(n_bins,)``."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be >= 1, got {n_bins}")
    k_max = n_points // 2
    if n_bins > k_max:
        raise ValueError(f"n_bins={n_bins} exceeds the {k_max} frequencies of a {n_points}-point path")
    return np.linspace(1.0, k_max, n_bins)


def gaussian_bands(n_points: int, n_bins: int, band_width: float = 0.5) -> np.ndarray:
    """Gaussian band-pass filters over the rFFT frequencies k = 0 … N/2: ``(n_bins, N//2 + 1)``.

    Filter b is exp(−(k − c_b)² / (2σ²)) with centre c_b from :func:`band_centres` and σ = ``band_width``
    times the spacing of the centres (in frequency bins); the DC term is always zeroed.
    """
    if band_width <= 0:
        raise ValueError(f"band_width must be > 0, got {band_width}")
    centres = band_centres(n_points, n_bins)
    spacing = centres[1] - centres[0] if n_bins > 1 else float(n_points // 2)
    sigma = band_width * spacing
    k = np.arange(n_points // 2 + 1, dtype=np.float64)
    filters = np.exp(-((k[None, :] - centres[:, None]) ** 2) / (2 * sigma**2))
    filters[:, 0] = 0.0
    return filters


def _taper(paths: np.ndarray, detrend: str, window: str) -> np.ndarray:
    from scipy import signal

    if detrend not in DETRENDS or window not in WINDOWS:
        raise ValueError(f"detrend must be one of {DETRENDS} and window one of {WINDOWS}")
    p = np.asarray(paths, dtype=np.float64)
    if detrend == "linear":
        p = signal.detrend(p, axis=-1, type="linear")
    if window == "hann":
        p = p * signal.windows.hann(p.shape[-1], sym=False)
    return p


def band_correlation(a: np.ndarray, b: np.ndarray, filters: np.ndarray, *, detrend: str = "none",
                     window: str = "none") -> np.ndarray:
    """Pearson correlation of ``a`` and ``b`` after each band filter: ``(..., N)`` × 2 -> ``(..., n_bins)``.

    ``filters`` ``(n_bins, N//2 + 1)`` from :func:`gaussian_bands`. A pair in which either filtered path
    has no energy in a band (e.g. a constant path: a dead unit, a zero-padded shortcut channel) gives NaN
    in that band.
    """
    a, b = _taper(a, detrend, window), _taper(b, detrend, window)
    if a.shape != b.shape:
        raise ValueError(f"paired paths must have the same shape, got {a.shape} and {b.shape}")
    n = a.shape[-1]
    if filters.shape[-1] != n // 2 + 1:
        raise ValueError(f"filters have {filters.shape[-1]} frequencies, paths of {n} points need {n // 2 + 1}")
    fa, fb = np.fft.rfft(a, axis=-1), np.fft.rfft(b, axis=-1)
    weight = np.full(n // 2 + 1, 2.0)
    weight[0] = 1.0
    if n % 2 == 0:
        weight[-1] = 1.0
    kernel = (weight * filters**2).T  # (N//2 + 1, n_bins)
    cross = (fa * fb.conj()).real @ kernel
    energy_a = (np.abs(fa) ** 2) @ kernel
    energy_b = (np.abs(fb) ** 2) @ kernel
    denom = np.sqrt(energy_a * energy_b)
    # A band holding less than RELATIVE_FLOOR of a path's total energy (DC included) is empty: constant
    # paths (dead units, zero-padded shortcut channels) and float32 rounding noise land here.
    total_a = (weight * np.abs(fa) ** 2).sum(-1, keepdims=True)
    total_b = (weight * np.abs(fb) ** 2).sum(-1, keepdims=True)
    ok = (energy_a > RELATIVE_FLOOR * total_a) & (energy_b > RELATIVE_FLOOR * total_b)
    return np.divide(cross, denom, out=np.full_like(cross, np.nan), where=ok)


def branch_modules(model: nn.Module) -> list[tuple[str, str, str]]:
    """(block, skip module, residual-branch module) of every residual block, input side first.

    The two summands just before each addition: the shortcut's output (``skip``, the block input or its
    subsampled, zero-padded version; recorded before the weight ν) and the residual branch's last module
    (v2: ``sum2`` after conv2; v1: ``bn2``, before the post-addition activation).
    """
    blocks = getattr(model, "blocks", None)
    if blocks is None:
        raise ValueError("branch correlation needs a ResNet (a model with residual `blocks`)")
    out = []
    for i, block in enumerate(blocks):
        if not block.shortcut:
            raise ValueError("branch correlation needs shortcuts (model option shortcut: true)")
        residual = "sum2" if block.version == 2 else "bn2"
        out.append((f"blocks.{i}", f"blocks.{i}.skip", f"blocks.{i}.{residual}"))
    return out


def branch_correlation(model: nn.Module, x: torch.Tensor, *, n_directions: int, n_points: int, radius: float,
                       output_fraction: float, filters: np.ndarray, batchnorm: str = "batch", chunk: int | str = "auto",
                       detrend: str = "none", window: str = "none", seed: int = 0,
                       progress=None) -> pd.DataFrame:
    """Band correlation between the two summands of every residual block along random paths.

    For each of ``n_directions`` directions over all weights, the same random ``output_fraction`` of
    (image, unit, position) entries of both summands of a block is sampled along t ∈ [0, radius]
    (``n_points`` points) and each entry's pair of paths is correlated per band. Returns one row per
    (direction, block, band): ``mean_abs_correlation`` and ``mean_correlation`` over the pairs with energy
    in that band, and ``n_pairs`` (how many). ``progress`` (a :class:`netspectra.progress.Progress`, optional)
    advances by one per direction.
    """
    if not 0 < output_fraction <= 1:
        raise ValueError(f"output_fraction must be in (0, 1], got {output_fraction}")
    triples = branch_modules(model)
    names = [n for _, skip, res in triples for n in (skip, res)]
    evaluator = PathEvaluator(model, x, names, batchnorm=batchnorm, chunk=chunk)
    shapes = evaluator.shapes
    ts = torch.linspace(0.0, radius, n_points, device=x.device)
    centres = band_centres(n_points, filters.shape[0])
    rows = []
    for j in range(n_directions):
        g = torch.Generator().manual_seed(seed_for(seed, j, 1))
        select = {}
        for _, skip, res in triples:
            n = math.prod(shapes[skip])
            # Same entries in both summands, so every path is paired with its counterpart.
            select[skip] = select[res] = sample_indices(shapes[skip], max(1, round(output_fraction * n)), g)
        out = evaluator(make_direction(model, "all", seed_for(seed, j, 2)), ts, select)
        for index, (block, skip, res) in enumerate(triples):
            corr = band_correlation(out[skip].T.double().cpu().numpy(), out[res].T.double().cpu().numpy(), filters,
                                    detrend=detrend, window=window)
            valid = ~np.isnan(corr)
            count = valid.sum(0)
            with np.errstate(invalid="ignore"):
                mean_abs = np.where(count > 0, np.nansum(np.abs(corr), 0) / np.maximum(count, 1), np.nan)
                mean = np.where(count > 0, np.nansum(corr, 0) / np.maximum(count, 1), np.nan)
            rows.append(pd.DataFrame({
                "direction": j, "block": index, "block_name": block, "band": np.arange(len(centres)),
                "band_centre_k": centres, "mean_abs_correlation": mean_abs, "mean_correlation": mean,
                "n_pairs": count.astype(np.int64),
            }))
        if progress is not None:
            progress.update(1)
    return pd.concat(rows, ignore_index=True)


def independent_floor(filters: np.ndarray, n_points: int, *, n_pairs: int = 2000, detrend: str = "none",
                      window: str = "none", seed: int = 0) -> np.ndarray:
    """Mean |correlation| per band of independent white-noise pairs: ``(n_bins,)``.

    A band holds only a few frequencies, so even independent paths give a clearly positive mean |r|;
    this is the level that "uncorrelated" reads at in a figure.
    """
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((2, n_pairs, n_points))
    return np.abs(band_correlation(a, b, filters, detrend=detrend, window=window)).mean(axis=0)

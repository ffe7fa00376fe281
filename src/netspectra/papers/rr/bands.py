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

import numpy as np

from netspectra.spectra import taper

RELATIVE_FLOOR = 1e-12

__all__ = ["band_centres", "gaussian_bands", "band_correlation", "independent_floor"]


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


def band_correlation(a: np.ndarray, b: np.ndarray, filters: np.ndarray, *, detrend: str = "none",
                     window: str = "none") -> np.ndarray:
    """Pearson correlation of ``a`` and ``b`` after each band filter: ``(..., N)`` × 2 -> ``(..., n_bins)``.

    ``filters`` ``(n_bins, N//2 + 1)`` from :func:`gaussian_bands`. A pair in which either filtered path
    has no energy in a band (e.g. a constant path: a dead unit, a zero-padded shortcut channel) gives NaN
    in that band.
    """
    a, b = taper(a, detrend, window), taper(b, detrend, window)
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


def independent_floor(filters: np.ndarray, n_points: int, *, n_pairs: int = 2000, detrend: str = "none",
                      window: str = "none", seed: int = 0) -> np.ndarray:
    """Mean |correlation| per band of independent white-noise pairs: ``(n_bins,)``.

    A band holds only a few frequencies, so even independent paths give a clearly positive mean |r|;
    this is the level that "uncorrelated" reads at in a figure.
    """
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((2, n_pairs, n_points))
    return np.abs(band_correlation(a, b, filters, detrend=detrend, window=window)).mean(axis=0)

"""Power-law fits of magnitude spectra: log|z_k| = c − h·log k, vectorised over spectra.

h is the fractal coefficient: a first-layer ReLU path with |z_k| ~ 1/k has h = 1; smaller h = rougher.
"""

from __future__ import annotations

import numpy as np

from . import spectra


def default_k_max(n_points: int) -> int:
    """Upper end of the default fit range, k = 1 … n_points/4 (above it aliasing bends the spectrum up), at least 2."""
    return max(2, n_points // 4)


def fit(k: np.ndarray, magnitude: np.ndarray, k_min: int = 1, k_max: int | None = None) -> dict[str, np.ndarray]:
    """Least-squares line through (log k, log |z_k|) for k_min ≤ k ≤ k_max, for every spectrum.

    ``k`` (K,), ``magnitude`` (..., K) -> dict of arrays (...,): ``h`` (minus the slope), ``intercept``
    (c, natural log) and ``r2`` (coefficient of determination in log-log space). Spectra with a
    non-positive or non-finite magnitude in the range give NaN.
    """
    k = np.asarray(k, dtype=np.float64)
    k_max = int(k.max()) if k_max is None else k_max
    in_range = (k >= k_min) & (k <= k_max)
    if in_range.sum() < 2:
        raise ValueError(f"fit range [{k_min}, {k_max}] holds fewer than two frequencies")
    x = np.log(k[in_range])
    mag = np.asarray(magnitude, dtype=np.float64)[..., in_range]
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(mag > 0, np.log(mag), np.nan)
    xc = x - x.mean()
    yc = y - y.mean(axis=-1, keepdims=True)
    slope = (yc * xc).sum(axis=-1) / (xc**2).sum()
    intercept = y.mean(axis=-1) - slope * x.mean()
    residual = yc - slope[..., None] * xc
    ss_tot = (yc**2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = 1 - (residual**2).sum(axis=-1) / ss_tot
    return {"h": -slope, "intercept": intercept, "r2": r2}


def floor_h(n_points: int, k_min: int = 1, k_max: int | None = None, *, detrend: str = "none",
            window: str = "none") -> float:
    """h that an estimator gives the smoothest path it keeps, at this path length and fit range.

    A straight line for the plain DFT (its end-to-end jump leaks ~1/k into every bin: h ≈ 0.97 on k = 1…25 of
    100 points), a parabola once the line is detrended (h ≈ 3.9 with a Hann window). A measured h near this
    value means the path cannot be told from a smooth one: the spectrum is the estimator's floor, not the net's.
    """
    t = np.linspace(0.0, 1.0, n_points)
    path = t**2 if detrend == "linear" else t
    k = spectra.frequencies(n_points)
    magnitude = spectra.magnitude_spectrum(path, detrend, window)
    return float(fit(k, magnitude, k_min, default_k_max(n_points) if k_max is None else k_max)["h"])

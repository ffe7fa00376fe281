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
            window: str = "none", weight: str = "none") -> float:
    """h that an estimator gives the smoothest path it keeps, at this path length and fit range.

    A straight line for the plain DFT (its end-to-end jump leaks ~1/k into every bin: h ≈ 0.97 on k = 1…25 of
    100 points), a parabola once the line is detrended (h ≈ 3.9 with a Hann window). A measured h near this
    value means the path cannot be told from a smooth one: the spectrum is the estimator's floor, not the net's.
    ``weight="k2"`` gives the floor of k²-weighted spectra (one less: the path's derivative).
    """
    t = np.linspace(0.0, 1.0, n_points)
    path = t**2 if detrend == "linear" else t
    k = spectra.frequencies(n_points)
    magnitude = np.sqrt(spectra.power(spectra.magnitude_spectrum(path, detrend, window), weight=weight))
    return float(fit(k, magnitude, k_min, default_k_max(n_points) if k_max is None else k_max)["h"])


def fit_estimators(k: np.ndarray, power: np.ndarray, power_detrended: np.ndarray, k_min: int = 1,
                   k_max: int | None = None, *, detrend: str = "none", window: str = "none",
                   weight: str = "none") -> dict[str, np.ndarray]:
    """h of both estimators' power spectra ``(..., K)`` and their floors, as every h table stores them.

    ``power`` was taken with ``detrend``/``window`` (default the paper's plain DFT), ``power_detrended`` with
    ``spectra.ESTIMATORS["detrended"]``, both with the same ``weight``. Returns arrays (...,): h, intercept, r2
    (of √power), h_detrended, intercept_detrended, r2_detrended, and the floors h_floor, h_detrended_floor
    (:func:`floor_h` at n_points = 2·max k and the same fit range), broadcast to the spectra's shape.
    """
    k_max = default_k_max(2 * int(np.max(k))) if k_max is None else k_max
    plain = fit(k, np.sqrt(power), k_min, k_max)
    detrended = fit(k, np.sqrt(power_detrended), k_min, k_max)
    n_points = 2 * int(np.max(k))
    floor = floor_h(n_points, k_min, k_max, detrend=detrend, window=window, weight=weight)
    floor_detrended = floor_h(n_points, k_min, k_max, weight=weight, **spectra.ESTIMATORS["detrended"])
    shape = plain["h"].shape
    return plain | {f"{name}_detrended": value for name, value in detrended.items()} | {
        "h_floor": np.full(shape, floor), "h_detrended_floor": np.full(shape, floor_detrended)}

"""Spectra of paths: DFT per path, DC dropped, magnitudes for k = 1 … N/2, and their averages.

A path sampled at N points is not periodic: its end-to-end jump leaks into every bin as a floor near
|z_k| ~ 1/k. The default follows the paper (plain DFT); ``detrend="linear"`` removes the least-squares
line first and ``window="hann"`` tapers the ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

DETRENDS = ("none", "linear")
WINDOWS = ("none", "hann")
# The two estimators every h is given for: the paper's plain DFT, and the least-squares line removed and a
# Hann window applied, which sees roughness below the plain DFT's end-to-end leakage floor.
ESTIMATORS = {"plain": {"detrend": "none", "window": "none"}, "detrended": {"detrend": "linear", "window": "hann"}}
NORMALISATIONS = ("none", "path_norm")
WEIGHTS = ("none", "k2")


def frequencies(n_points: int) -> np.ndarray:
    """Frequency indices k = 1 … n_points // 2 (cycles per path)."""
    return np.arange(1, n_points // 2 + 1)


def taper(paths: np.ndarray, detrend: str = "none", window: str = "none") -> np.ndarray:
    """``paths`` (..., N) as float64, the least-squares line removed (``detrend="linear"``) and then tapered
    (``window="hann"``, periodic Hann), as the estimators see them before the DFT."""
    if detrend not in DETRENDS or window not in WINDOWS:
        raise ValueError(f"detrend must be one of {DETRENDS} and window one of {WINDOWS}")
    p = np.asarray(paths, dtype=np.float64)
    if detrend == "linear":
        p = detrend_linear(p)
    if window == "hann":
        p = p * hann(p.shape[-1])
    return p


# Both as scipy.signal computes them (tests/test_spectra.py compares), written out because importing
# scipy.signal takes 1.1-1.7 s of every job that computes a spectrum.
def detrend_linear(paths: np.ndarray) -> np.ndarray:
    """``paths`` (..., N) less their least-squares lines, as ``scipy.signal.detrend(type="linear")``."""
    p = np.asarray(paths, dtype=np.float64)
    t = np.arange(p.shape[-1]) - (p.shape[-1] - 1) / 2  # centred: orthogonal to the constant
    slope = (p @ t) / (t @ t)
    return p - p.mean(axis=-1, keepdims=True) - slope[..., None] * t


def hann(n: int) -> np.ndarray:
    """The periodic Hann window of ``n`` points (``scipy.signal.windows.hann(n, sym=False)``)."""
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


def magnitude_spectrum(paths: np.ndarray, detrend: str = "none", window: str = "none") -> np.ndarray:
    """|z_k| = |DFT(p)_k| / N for k = 1 … N/2 of each path; ``paths`` (..., N) -> (..., N//2)."""
    p = taper(paths, detrend, window)
    n = p.shape[-1]
    return np.abs(np.fft.rfft(p, axis=-1)[..., 1 : n // 2 + 1]) / n


def power(magnitudes: np.ndarray, normalise: str = "none", weight: str = "none") -> np.ndarray:
    """Per-path power spectrum |z_k|² (..., K), optionally k²-weighted and then normalised per path.

    ``weight="k2"`` multiplies by k² (the spectrum of the path's derivative, up to 4π²);
    ``normalise="path_norm"`` divides each path's spectrum by its sum over k, i.e. by the squared L2
    norm of the path without its mean (Parseval), so that every path counts equally. Paths that are
    constant (e.g. a dead ReLU unit) have no normalised spectrum and come back as NaN.
    """
    if normalise not in NORMALISATIONS or weight not in WEIGHTS:
        raise ValueError(f"normalise must be one of {NORMALISATIONS} and weight one of {WEIGHTS}")
    pw = np.asarray(magnitudes, dtype=np.float64) ** 2
    if weight == "k2":
        pw = pw * frequencies(2 * pw.shape[-1]) ** 2
    if normalise == "path_norm":
        total = pw.sum(axis=-1, keepdims=True)
        pw = np.divide(pw, total, out=np.full_like(pw, np.nan), where=total > 0)
    return pw


LINEAR_FLOOR = 1e-10  # detrended energy below this fraction of a path's own (mean removed): a straight line


def average_power(paths: np.ndarray, *, normalise: str = "none", weight: str = "none", detrend: str = "none",
                  window: str = "none") -> tuple[np.ndarray, int]:
    """Mean power spectrum over the paths ``(n_paths, N)`` -> ``((N//2,), number of paths used)``.

    With ``normalise="path_norm"`` constant paths are left out, and after ``detrend="linear"`` so are straight
    lines (a ReLU unit active along the whole path): what detrending leaves of them is float rounding, which
    normalising would blow up to white noise.
    """
    pw = power(magnitude_spectrum(paths, detrend, window), normalise, weight)
    if normalise == "path_norm" and detrend == "linear":
        p = np.asarray(paths, dtype=np.float64)
        own = ((p - p.mean(-1, keepdims=True)) ** 2).sum(-1)
        left = (taper(p, "linear") ** 2).sum(-1)
        pw[left <= LINEAR_FLOOR * own] = np.nan
    used = ~np.isnan(pw).any(axis=-1)
    mean = pw[used].mean(axis=0) if used.any() else np.full(pw.shape[-1], np.nan)
    return mean, int(used.sum())


def estimator_powers(paths: np.ndarray, **options) -> tuple[np.ndarray, np.ndarray, int]:
    """Mean power spectra of ``paths`` ``(n_paths, N)`` by the configured estimator and by the detrended one.

    ``options``: normalise, weight, detrend, window of :func:`average_power`. Returns ``(power,
    power_detrended, number of paths used by the first)``, each spectrum ``(N//2,)``; the second applies
    ``ESTIMATORS["detrended"]`` (linear detrend + Hann) with the same normalisation and weighting.
    """
    pw, used = average_power(paths, **options)
    detrended, _ = average_power(paths, **(options | ESTIMATORS["detrended"]))
    return pw, detrended, used


def dft(y: torch.Tensor) -> torch.Tensor:
    """Single-sided scaled DFT of samples on an even grid, for input-space spectra.

    ``y``: real (..., N). Returns complex (..., N//2 + 1): ``rfft(y) / N`` with the bins that have a
    negative-frequency twin (0 < k < N/2) doubled, so ``A sin(2πkn/N)`` reads ``A`` at bin k.
    """
    import torch  # here, not at the top: the spectra and fits jobs need only numpy (torch costs ~1 s per job)

    n = y.shape[-1]
    coeffs = torch.fft.rfft(y, dim=-1) / n
    scale = torch.full((coeffs.shape[-1],), 2.0, dtype=y.dtype, device=y.device)
    scale[0] = 1.0
    if n % 2 == 0:
        scale[-1] = 1.0
    return coeffs * scale

"""F-Principle measurements (Xu, "Understanding training and generalization in deep learning by Fourier
analysis"): spectra of a function sampled on an even 1-d grid, the peaks of the target's spectrum, the
relative error Δ_F at those peaks, and the paper's 1-d targets.

Spectra are single-sided DFTs (bins k = 0 … N//2) scaled so that a sine of amplitude A with k whole periods
on the grid reads A at bin k (``dft``). A frequency ω is a DFT bin index throughout (the paper's
"frequency index"). Δ_F is a ratio of two spectra, so the scaling cancels in it.
"""

from __future__ import annotations

import numpy as np
import torch

DELTA_KINDS = ("complex", "magnitude")


def dft(y: torch.Tensor) -> torch.Tensor:
    """Single-sided scaled DFT along the last axis.

    ``y``: real (..., N) samples on an even grid. Returns complex (..., N//2 + 1): ``rfft(y) / N`` with the
    bins that have a negative-frequency twin (0 < k < N/2) doubled, so ``A sin(2πkn/N)`` reads ``A`` at k.
    """
    n = y.shape[-1]
    coeffs = torch.fft.rfft(y, dim=-1) / n
    scale = torch.full((coeffs.shape[-1],), 2.0, dtype=y.dtype, device=y.device)
    scale[0] = 1.0
    if n % 2 == 0:
        scale[-1] = 1.0
    return coeffs * scale


def select_peaks(amplitude: np.ndarray | torch.Tensor, *, max_frequency: int | None = None,
                 n_peaks: int | None = None, min_relative_height: float = 0.0,
                 include_dc: bool = False) -> np.ndarray:
    """Frequencies (bin indices, ascending) of the local maxima of a magnitude spectrum.

    ``amplitude``: (K,) |DFT| at bins 0 … K-1. Bins 1 … ``max_frequency`` (all by default; bin 0 too when
    ``include_dc``) are searched. A bin is a peak when it is strictly larger than both neighbours inside that
    range; an end of the range counts when it is larger than its one neighbour, as in the authors' code
    (``SelectPeakIndex``). Peaks lower than ``min_relative_height`` × the largest peak are dropped; with
    ``n_peaks`` only the highest ``n_peaks`` are kept (then sorted by frequency).
    """
    amp = np.asarray(amplitude.detach().cpu() if isinstance(amplitude, torch.Tensor) else amplitude, dtype=float)
    if amp.ndim != 1:
        raise ValueError(f"amplitude must be 1-d (one spectrum), got shape {amp.shape}")
    first = 0 if include_dc else 1
    last = len(amp) - 1 if max_frequency is None else min(int(max_frequency), len(amp) - 1)
    if last < first:
        raise ValueError(f"no bins to search: max_frequency={max_frequency} with {len(amp)} bins")
    seg = amp[first:last + 1]
    if len(seg) == 1:
        return np.array([first])
    left = np.concatenate([[-np.inf], seg[:-1]])
    right = np.concatenate([seg[1:], [-np.inf]])
    idx = np.flatnonzero((seg > left) & (seg > right))
    if len(idx) == 0:
        return np.array([], dtype=int)
    heights = seg[idx]
    idx = idx[heights >= min_relative_height * heights.max()]
    if n_peaks is not None and len(idx) > n_peaks:
        idx = np.sort(idx[np.argsort(-seg[idx], kind="stable")[:n_peaks]])
    return idx + first


def delta_f(target: torch.Tensor, output: torch.Tensor, kind: str = "complex") -> torch.Tensor:
    """Relative error per frequency between two spectra (complex, same shape; broadcasting allowed).

    ``complex`` (the paper's Eq. 5.1): |F[f] − F[T]| / |F[f]|. ``magnitude`` (the authors' code):
    ||F[f]| − |F[T]|| / |F[f]|, blind to phase. ``target`` is F[f], ``output`` F[T].
    """
    if kind == "complex":
        num = (target - output).abs()
    elif kind == "magnitude":
        num = (target.abs() - output.abs()).abs()
    else:
        raise ValueError(f"unknown Δ_F kind {kind!r}; valid: {', '.join(DELTA_KINDS)}")
    return num / target.abs()


def flipped_ramp_target(n_points: int, x_min: float = -1.0, x_max: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The paper's high-frequency-dominant g(x) (Appendix B, Fig. 6).

    Samples f(x) = x at ``n_points`` evenly spaced points of [x_min, x_max] (ends included), takes its
    single-sided DFT F(k), k = 0 … N/2, flips it, G(k) = F(N/2 − k), and returns x and g = irfft(G). |F|
    falls with k, so |G| rises: the highest peak of G sits at bin N/2 − 1 (the paper's "19th frequency" for
    40 points). ``n_points`` must be even so that both flipped end bins (DC, Nyquist) are real.
    Returns (x, g), each (n_points,) float64.
    """
    if n_points % 2 or n_points < 4:
        raise ValueError(f"n_points must be even and >= 4, got {n_points}")
    x = np.linspace(x_min, x_max, n_points)
    g = np.fft.irfft(np.fft.rfft(x)[::-1], n=n_points)
    return x, g


def sine_sum_target(x: np.ndarray, angular_frequencies: list[float], amplitudes: list[float]) -> np.ndarray:
    """Σ_j A_j sin(ω_j x) at the points ``x`` (the authors' 1-d targets, e.g. sin x + sin 5x)."""
    if len(angular_frequencies) != len(amplitudes):
        raise ValueError("angular_frequencies and amplitudes must have the same length")
    x = np.asarray(x, dtype=float)
    return sum(a * np.sin(w * x) for w, a in zip(angular_frequencies, amplitudes))


def spectral_norms(weights: list[torch.Tensor]) -> torch.Tensor:
    """Exact spectral norm (largest singular value, by SVD) of every weight matrix.

    ``weights``: tensors (..., out, in), e.g. stacked (M, out, in) for M members. A matrix with one row or
    column is a vector and its spectral norm is its L2 norm, so the paper's "L2 norm of vector-valued
    weights" is the same number. Returns (..., n_layers).
    """
    return torch.stack([torch.linalg.matrix_norm(w, ord=2) for w in weights], dim=-1)

"""The F-Principle's measurement: the peaks of the target's spectrum and the relative error Δ_F there.

Spectra are single-sided DFTs (bins k = 0 … N//2, :func:`netspectra.spectra.dft`) scaled so that a sine of
amplitude A with k whole periods on the grid reads A at bin k. A frequency ω is a DFT bin index throughout
(the paper's "frequency index"). Δ_F is a ratio of two spectra, so the scaling cancels in it.
"""

from __future__ import annotations

import numpy as np
import torch

DELTA_KINDS = ("complex", "magnitude")


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

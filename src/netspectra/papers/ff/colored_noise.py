"""Random 1-D signals with a 1/f^α spectrum, as in the Fourier Features 1-D experiments.

The DFT coefficients are complex Gaussian, (z₁ + i z₂)·(1 + |f|)^−α with f the signed DFT frequency
(cycles per grid), and the signal is the real part of their inverse FFT. Taking the real part mixes the
bins f and −f, so the expected power at |f| stays ∝ (1 + |f|)^−2α. Optionally (the authors' 1-D NTK
notebook) only the bins 0 … ⌊n·band_limit⌋ − 1 of the unshifted FFT are kept: a band-limited signal made
of non-negative frequencies below n·band_limit. Signals are then min–max scaled to [−½, ½], jointly over a
family (the authors' sparse sweep) or one by one.
"""

from __future__ import annotations

import torch


def power_law_signals(n_points: int, exponent: float, n_signals: int = 1, *, band_limit: float | None = None,
                      scaling: str = "joint", generator: torch.Generator | None = None) -> torch.Tensor:
    """``n_signals`` signals of ``n_points`` samples on [0, 1), float64, shape (n_signals, n_points).

    ``exponent``: α of the amplitude decay (1 + |f|)^−α; ``band_limit``: fraction of n_points below which
    bins are kept (None = all bins); ``scaling``: ``joint`` (min–max over all signals to [−½, ½]),
    ``each`` (per signal) or ``none``.
    """
    f = torch.fft.fftfreq(n_points, d=1.0 / n_points, dtype=torch.float64)
    decay = (1.0 + f.abs()) ** (-exponent)
    if band_limit is not None:
        decay[int(n_points * band_limit):] = 0.0
    z = torch.randn(n_signals, n_points, 2, generator=generator, dtype=torch.float64)
    coeffs = torch.complex(z[..., 0], z[..., 1]) * decay
    signals = torch.fft.ifft(coeffs, dim=-1).real
    if scaling == "none":
        return signals
    if scaling == "joint":
        lo, hi = signals.min(), signals.max()
    elif scaling == "each":
        lo, hi = signals.min(dim=1, keepdim=True).values, signals.max(dim=1, keepdim=True).values
    else:
        raise ValueError(f"unknown scaling {scaling!r}; valid names: joint, each, none")
    return (signals - lo) / (hi - lo) - 0.5

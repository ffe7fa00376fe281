"""The F-Principle paper's 1-d targets: the high-frequency-dominant flipped ramp and sums of sines."""

from __future__ import annotations

import numpy as np


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

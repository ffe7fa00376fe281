"""Spectra of network functions in input space (On the Spectral Bias of Neural Networks).

- :func:`readout`: single-sided DFT magnitude ``2·|DFT(y)|/N`` at given integer frequencies, divided by
  the target amplitudes, so a sine ``A sin(2πkz + φ)`` sampled on ``z = arange(N)/N`` reads 1 (A without
  the division) at k.
- :func:`radial_spectrum`: ζ(k) of a 2-D map, |2-D FFT| summed over the annulus of radius k (the
  derivative in k of the integral over the disc of radius k, Eqn. 31 of the paper).

Layer spectral norms are exact (:func:`netspectra.models.spectral_norm`).
"""

from __future__ import annotations

import numpy as np
import torch


def readout(values: torch.Tensor, frequencies, amplitudes=None) -> torch.Tensor:
    """``2·|fft(values)/N|`` at the integer bins ``frequencies`` along the last axis, divided by ``amplitudes``.

    ``values``: (..., N) real samples on the grid z = arange(N)/N. Returns (..., len(frequencies)).
    Frequencies are in cycles per unit interval and must satisfy 0 < k < N/2 (below Nyquist).
    """
    values = torch.as_tensor(values)
    n = values.shape[-1]
    ks = torch.as_tensor(frequencies, dtype=torch.long, device=values.device)
    if ks.numel() and (ks.min() <= 0 or ks.max() >= (n + 1) // 2):
        raise ValueError(f"frequencies must lie in 1 … {(n - 1) // 2} for N = {n} samples, got {ks.tolist()}")
    mag = 2 * torch.fft.rfft(values, dim=-1).abs()[..., ks] / n
    if amplitudes is not None:
        mag = mag / torch.as_tensor(amplitudes, dtype=mag.dtype, device=mag.device)
    return mag


def radial_spectrum(image: np.ndarray | torch.Tensor, extent: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """ζ(k): |2-D DFT| of an (n, n) map summed over annuli of radius k (integrated over angle).

    ``extent`` is the side length of the square the map covers (input units), so frequencies come out in
    cycles per input unit with bin width 1/extent. |DFT| is divided by n² (a constant c reads c at k=0).
    Returns (k, ζ) for the annuli k = 0, 1/extent, … up to the Nyquist radius (n//2)/extent.
    """
    img = np.asarray(image, dtype=np.float64)
    if img.ndim != 2 or img.shape[0] != img.shape[1]:
        raise ValueError(f"radial_spectrum needs a square 2-D map, got shape {img.shape}")
    n = img.shape[0]
    mag = np.abs(np.fft.fft2(img)) / n**2
    f = np.fft.fftfreq(n, d=1.0 / n)  # integer frequencies (cycles per extent)
    radius = np.rint(np.hypot(f[:, None], f[None, :])).astype(int)
    n_bins = n // 2 + 1
    keep = radius < n_bins
    zeta = np.bincount(radius[keep], weights=mag[keep], minlength=n_bins)
    return np.arange(n_bins) / extent, zeta

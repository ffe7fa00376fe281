"""Spectra of network functions in input space (Rahaman et al. 2019, "On the Spectral Bias").

- :func:`readout`: single-sided DFT magnitude ``2·|DFT(y)|/N`` at given integer frequencies, divided by
  the target amplitudes, so a sine ``A sin(2πkz + φ)`` sampled on ``z = arange(N)/N`` reads 1 (A without
  the division) at k.
- :func:`flower`: the manifold γ_L(z) = (1 + ½ sin(2πLz)) (cos 2πz, sin 2πz); a unit circle at L = 0.
- :func:`radial_spectrum`: ζ(k) of a 2-D map, |2-D FFT| summed over the annulus of radius k (the
  derivative in k of the integral over the disc of radius k, Eqn. 31 of the paper).
- :func:`spectral_norm`: the largest singular value by power iteration on WᵀW (batched).
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


def sample_grid(n_points: int, dtype=torch.float32, device=None) -> torch.Tensor:
    """z = arange(N)/N: N equally spaced points in [0, 1) (periodic grid, as in the authors' notebooks)."""
    return torch.arange(n_points, dtype=dtype, device=device) / n_points


def sine_mixture(z: torch.Tensor, frequencies, amplitudes, phases: torch.Tensor) -> torch.Tensor:
    """λ(z) = Σ_i A_i sin(2π k_i z + φ_i) for R sets of phases.

    ``z``: (N,); ``frequencies``: (K,); ``amplitudes``: (K,) shared or (R, K) per set; ``phases``: (R, K)
    in radians. Returns (R, N).
    """
    k = torch.as_tensor(frequencies, dtype=z.dtype, device=z.device)
    a = torch.as_tensor(amplitudes, dtype=z.dtype, device=z.device)
    a = a if a.dim() == 2 else a[None]
    arg = 2 * torch.pi * k[None, :, None] * z[None, None, :] + phases.to(z)[:, :, None]
    return (a[:, :, None] * torch.sin(arg)).sum(1)


def flower(z: torch.Tensor, n_petals: float) -> torch.Tensor:
    """γ_L(z) = (1 + ½ sin(2πLz)) (cos 2πz, sin 2πz) with L = ``n_petals``; ``z`` (N,) -> (N, 2)."""
    radius = 1 + 0.5 * torch.sin(2 * torch.pi * n_petals * z)
    return torch.stack([radius * torch.cos(2 * torch.pi * z), radius * torch.sin(2 * torch.pi * z)], dim=-1)


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


def spectral_norm(weight: torch.Tensor, n_iterations: int = 100, seed: int = 0) -> torch.Tensor:
    """Largest singular value of W (shape (..., m, n)) by power iteration on WᵀW; returns shape (...).

    The iteration v ← WᵀW v / ‖WᵀW v‖ converges to the top right-singular vector at the rate
    (σ₂/σ₁)²; σ₁ = ‖W v‖. It is what the paper's "spectral norm by power iteration" means (the authors'
    notebook iterated on W itself, which is not the spectral norm of a non-symmetric W).
    """
    w = weight.detach()
    g = torch.Generator(device="cpu").manual_seed(seed)
    v = torch.randn(*w.shape[:-2], w.shape[-1], 1, generator=g, dtype=w.dtype).to(w.device)
    v = v / v.norm(dim=-2, keepdim=True)
    for _ in range(n_iterations):
        v = w.transpose(-1, -2) @ (w @ v)
        v = v / v.norm(dim=-2, keepdim=True).clamp_min(torch.finfo(w.dtype).tiny)
    return (w @ v).norm(dim=(-2, -1))


def exact_spectral_norm(weight: torch.Tensor) -> torch.Tensor:
    """The largest singular value from the SVD (``torch.linalg.matrix_norm(W, 2)``), batched over (...)."""
    return torch.linalg.matrix_norm(weight.detach(), ord=2)

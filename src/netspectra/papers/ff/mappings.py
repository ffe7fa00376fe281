"""Input mappings of Fourier Features (Tancik et al. 2020) and the frequency generators of its sweeps.

A Fourier feature mapping sends a coordinate v ∈ R^d to

    γ(v) = [a_1 cos(2π b_1·v), …, a_m cos(2π b_m·v), a_1 sin(2π b_1·v), …, a_m sin(2π b_m·v)]  (/ ‖a‖)

with frequencies b_j (rows of B, in cycles per unit of v) and amplitudes a_j. Every mapping is a module
whose forward takes coordinates ``(N, d)`` and returns features ``(..., N, n_features)``. The leading
``...`` are batch dimensions of the frequency/amplitude buffers: a mapping built with frequencies of
shape ``(M, m, d)`` maps the same coordinates for M ensemble members at once (one B per member), which
is how the sweeps feed a batched ensemble (``member_inputs``).

Mapping names used in configs: ``none`` (identity), ``basic`` ([cos 2πv, sin 2πv] per axis),
``positional`` (b = 2^linspace(0, s, n) − 1 along each axis), ``gaussian`` (B ~ N(0, σ²)) and
``power_law`` (1-D, a_j = j^−p, b_j = j, normalised by ‖a‖; p = ∞ keeps only j = 1).
"""

from __future__ import annotations

import math

import torch
from torch import nn

MAPPINGS = ("none", "basic", "positional", "gaussian", "power_law")
GENERATORS = ("gaussian", "uniform", "uniform_log", "laplace")


class Identity(nn.Module):
    """The 'no mapping' baseline: coordinates minus ``offset`` (the authors centre 1-D inputs at 0)."""

    def __init__(self, in_features: int, offset: float = 0.0):
        super().__init__()
        self.in_features, self.out_features, self.offset = in_features, in_features, offset

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x - self.offset


class FourierFeatures(nn.Module):
    """γ(v) = [a cos(2π B v), a sin(2π B v)], divided by ‖a‖ when ``normalise``.

    ``frequencies``: (..., m, d) in cycles per unit of the input; ``amplitudes``: (..., m), default ones.
    Forward: ``x`` (N, d) -> (..., N, 2m). With ``normalise`` every feature vector has unit norm, so the
    composed kernel γ(v)·γ(v') = Σ a_j² cos(2π b_j·(v − v')) / ‖a‖² is 1 at v = v'.
    """

    def __init__(self, frequencies: torch.Tensor, amplitudes: torch.Tensor | None = None, normalise: bool = False):
        super().__init__()
        if frequencies.dim() < 2:
            raise ValueError(f"frequencies must have shape (..., m, d), got {tuple(frequencies.shape)}")
        if amplitudes is None:
            amplitudes = torch.ones(frequencies.shape[:-1], dtype=frequencies.dtype)
        if amplitudes.shape != frequencies.shape[:-1]:
            raise ValueError(f"amplitudes {tuple(amplitudes.shape)} must match frequencies' (..., m) "
                             f"{tuple(frequencies.shape[:-1])}")
        self.register_buffer("frequencies", frequencies)
        self.register_buffer("amplitudes", amplitudes)
        self.normalise = normalise
        self.in_features = frequencies.shape[-1]
        self.out_features = 2 * frequencies.shape[-2]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b = self.frequencies.to(x.dtype)
        a = self.amplitudes.to(x.dtype).unsqueeze(-2)                     # (..., 1, m)
        proj = 2 * math.pi * torch.einsum("nd,...md->...nm", x, b)      # (..., N, m)
        out = torch.cat([a * torch.cos(proj), a * torch.sin(proj)], dim=-1)
        if self.normalise:
            out = out / torch.linalg.vector_norm(a, dim=-1, keepdim=True)
        return out


def basic(in_features: int, dtype: torch.dtype = torch.float32) -> FourierFeatures:
    """[cos 2πv, sin 2πv] for each axis (B = identity)."""
    return FourierFeatures(torch.eye(in_features, dtype=dtype))


def positional_frequencies(n_per_axis: int, max_log2: float, in_features: int = 2,
                           dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Axis-aligned log-spaced frequencies b = 2^linspace(0, max_log2, n) − 1 (the authors' positional
    encoding; the first is 0, a constant feature). Returns (in_features · n_per_axis, in_features)."""
    b = 2.0 ** torch.linspace(0.0, max_log2, n_per_axis, dtype=torch.float64) - 1.0
    eye = torch.eye(in_features, dtype=torch.float64)
    return torch.cat([b[:, None] * eye[axis] for axis in range(in_features)]).to(dtype)


def positional(n_per_axis: int, max_log2: float, in_features: int = 2,
               dtype: torch.dtype = torch.float32) -> FourierFeatures:
    return FourierFeatures(positional_frequencies(n_per_axis, max_log2, in_features, dtype))


def gaussian(n_frequencies: int, scale: float, in_features: int = 2, *, generator: torch.Generator | None = None,
             dtype: torch.dtype = torch.float32) -> FourierFeatures:
    """Random Fourier features: B (n_frequencies, in_features) with i.i.d. N(0, scale²) entries."""
    b = torch.randn(n_frequencies, in_features, generator=generator, dtype=torch.float64) * scale
    return FourierFeatures(b.to(dtype))


def power_law_amplitudes(n_frequencies: int, exponent: float | torch.Tensor,
                         dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
    """a_j = j^−p and b_j = j for j = 1 … n (Fig. 2 of the paper); p = ∞ gives a = e_1.

    ``exponent``: a float or a tensor (M,) of exponents. Returns (a, b), each (n,) or (M, n).
    """
    p = torch.as_tensor(exponent, dtype=torch.float64)
    j = torch.arange(1, n_frequencies + 1, dtype=torch.float64)
    # IEEE pow gives 1^-inf = 1 and j^-inf = 0 for j > 1, so p = inf needs no special case.
    a = j ** (-p.unsqueeze(-1)) if p.dim() else j ** (-p)
    b = j.expand_as(a)
    return a.to(dtype), b.to(dtype)


def power_law(n_frequencies: int, exponent: float | torch.Tensor,
              dtype: torch.dtype = torch.float32) -> FourierFeatures:
    """1-D mapping with a_j = j^−p, b_j = j, normalised by ‖a‖ (one member per exponent if a tensor)."""
    a, b = power_law_amplitudes(n_frequencies, exponent, dtype)
    return FourierFeatures(b.unsqueeze(-1), a, normalise=True)


def sample_frequencies(kind: str, shape: tuple[int, ...], scale: float | torch.Tensor, *,
                       generator: torch.Generator | None = None, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """Random 1-D frequencies of the sparse sweep (the authors' generators).

    ``gaussian``: scale·N(0, 1); ``uniform``: scale·U[0, 1); ``uniform_log``: scale^U[0, 1) (uniform in
    log-frequency between 1 and scale); ``laplace``: scale·Laplace(0, 1). ``scale`` broadcasts against
    ``shape`` (e.g. (M, 1) for one scale per member). Returns a tensor of ``shape``.
    """
    scale = torch.as_tensor(scale, dtype=torch.float64)
    if kind == "gaussian":
        out = torch.randn(shape, generator=generator, dtype=torch.float64) * scale
    elif kind == "uniform":
        out = torch.rand(shape, generator=generator, dtype=torch.float64) * scale
    elif kind == "uniform_log":
        out = scale ** torch.rand(shape, generator=generator, dtype=torch.float64)
    elif kind == "laplace":
        # Inverse CDF of Laplace(0, 1), so one seeded generator drives every kind.
        u = torch.rand(shape, generator=generator, dtype=torch.float64) - 0.5
        out = -torch.sign(u) * torch.log1p(-2 * u.abs()) * scale
    else:
        raise ValueError(f"unknown frequency generator {kind!r}; valid names: {', '.join(GENERATORS)}")
    return out.to(dtype)


def frequency_rms(frequencies: torch.Tensor) -> torch.Tensor:
    """Root mean square of the frequencies along the last axis (the x-axis of the paper's Fig. 4)."""
    return frequencies.pow(2).mean(dim=-1).sqrt()


def build(name: str, in_features: int, *, n_frequencies: int = 0, scale: float = 1.0, max_log2: float = 0.0,
          exponent: float = 0.0, offset: float = 0.0, generator: torch.Generator | None = None,
          dtype: torch.dtype = torch.float32) -> nn.Module:
    """A mapping from its config name. ``n_frequencies`` is the number of frequencies (features = 2×):
    for ``positional`` it is split evenly over the axes; ``scale`` is σ of ``gaussian``; ``max_log2`` is s
    of ``positional``; ``exponent`` is p of ``power_law`` (1-D only); ``offset`` centres ``none``."""
    if name == "none":
        return Identity(in_features, offset)
    if name == "basic":
        return basic(in_features, dtype)
    if name == "positional":
        if n_frequencies % in_features:
            raise ValueError(f"positional: n_frequencies={n_frequencies} must be a multiple of "
                             f"in_features={in_features}")
        return positional(n_frequencies // in_features, max_log2, in_features, dtype)
    if name == "gaussian":
        return gaussian(n_frequencies, scale, in_features, generator=generator, dtype=dtype)
    if name == "power_law":
        if in_features != 1:
            raise ValueError("power_law mapping is defined for scalar inputs (in_features = 1)")
        return power_law(n_frequencies, exponent, dtype)
    raise ValueError(f"unknown mapping {name!r}; valid names: {', '.join(MAPPINGS)}")

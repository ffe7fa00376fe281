"""Neural tangent kernels: the empirical NTK of any torch model, the analytic NTK of a ReLU MLP in the
standard parameterisation, and the linearised (kernel) gradient-descent dynamics they predict.

Empirical NTK: Θ(x, x') = Σ_θ ∂f(x)/∂θ · ∂f(x')/∂θ over every trainable parameter, from per-example
Jacobians (``torch.func.jacrev`` of ``functional_call``, ``vmap``-ed over examples).

Analytic NTK (the infinite-width recursion evaluated at the given finite widths, as neural-tangents does
for ``parameterization='standard'``): the network is z_1 = W_1 x + b_1, z_l = W_l relu(z_{l-1}) + b_l,
f = z_L (scalar), with W_l ~ N(0, σ_w²/n_{l-1}) and b_l ~ N(0, σ_b²), every W_l and b_l trained
directly. With Σ_l the covariance of z_l and the arc-cosine expectations of ReLU,

    Σ_1 = σ_w² x·x'/n_0 + σ_b²,   Θ_1 = x·x' + [bias]
    Σ_l = σ_w² E[relu(u) relu(v)] + σ_b²
    Θ_l = n_{l-1} E[relu(u) relu(v)] + [bias] + σ_w² E[relu'(u) relu'(v)] Θ_{l-1},   (u, v) ~ N(0, Σ_{l-1})

where E[relu relu] = √(ab)/(2π)·(sin θ + (π − θ) cos θ), E[relu' relu'] = (π − θ)/(2π), cos θ = c/√(ab).
The n_{l-1} factor is the standard parameterisation's: its NTK grows with width, and the empirical NTK of
a network with these widths approaches Θ_L in relative terms as the widths grow.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

import torch
from torch import nn
from torch.func import functional_call, jacrev, vmap


def _chunks(x: torch.Tensor, chunk_size: int | None) -> list[torch.Tensor]:
    return [x] if chunk_size is None else list(torch.split(x, chunk_size))


def jacobians(model: nn.Module, x: torch.Tensor,
              params: Mapping[str, torch.Tensor] | None = None) -> dict[str, torch.Tensor]:
    """Per-example Jacobians of the outputs w.r.t. every parameter: ``{name: (N, O, n_params)}``.

    ``x``: (N, *input shape); the model maps a batch (B, *input shape) to (B, *output shape) with O outputs
    per example in total.
    """
    params = {n: p.detach() for n, p in (model.named_parameters() if params is None else params.items())}

    def f(p, xi):
        return functional_call(model, p, (xi.unsqueeze(0),)).reshape(-1)

    jac = vmap(jacrev(f), in_dims=(None, 0))(params, x)
    return {n: j.flatten(2) for n, j in jac.items()}


def empirical_ntk(model: nn.Module, x1: torch.Tensor, x2: torch.Tensor | None = None, *,
                  params: Mapping[str, torch.Tensor] | None = None, chunk_size: int | None = 64) -> torch.Tensor:
    """Empirical NTK between ``x1`` (N1, ...) and ``x2`` (N2, ...; default x1).

    Returns (N1, N2) for a scalar-output model, else (N1, N2, O, O). ``params`` overrides the model's own
    parameters (e.g. one member of a stacked ensemble). ``chunk_size`` bounds memory: at most
    ``chunk_size`` × (number of parameters) Jacobian entries are held for x1, and all of x2's.
    """
    same = x2 is None
    x2 = x1 if same else x2
    jac2 = [jacobians(model, xb, params) for xb in _chunks(x2, chunk_size)]
    rows = []
    for i, xa in enumerate(_chunks(x1, chunk_size)):
        ja = jac2[i] if same and chunk_size is not None else jacobians(model, xa, params)
        row = [sum(torch.einsum("aop,bqp->aboq", ja[n], jb[n]) for n in ja) for jb in jac2]
        rows.append(torch.cat(row, dim=1))
    k = torch.cat(rows, dim=0)
    return k[:, :, 0, 0] if k.shape[-1] == 1 else k


def _relu_expectations(s11: torch.Tensor, s22: torch.Tensor, s12: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """E[relu(u) relu(v)] and E[1(u>0) 1(v>0)] for (u, v) ~ N(0, [[s11, s12], [s12, s22]])."""
    norm = torch.sqrt(s11 * s22)
    cos = torch.where(norm > 0, s12 / torch.where(norm > 0, norm, 1.0), torch.ones_like(s12)).clamp(-1.0, 1.0)
    theta = torch.arccos(cos)
    value = norm / (2 * math.pi) * (torch.sin(theta) + (math.pi - theta) * cos)
    # A unit with zero pre-activation variance sits at relu's kink, where torch's derivative is 0.
    derivative = torch.where(norm > 0, (math.pi - theta) / (2 * math.pi), torch.zeros_like(theta))
    return value, derivative


def relu_ntk(x1: torch.Tensor, x2: torch.Tensor | None = None, *, widths: Sequence[int], weight_std: float = 1.0,
             bias_std: float = 0.0, bias: bool = True) -> torch.Tensor:
    """Analytic NTK (N1, N2), float64, of a scalar-output ReLU MLP in the standard parameterisation.

    ``x1`` (N1, d), ``x2`` (N2, d); ``widths``: the hidden widths n_1 … n_{L-1} (``len(widths) + 1`` dense
    layers, the last one has a single output); ``weight_std`` σ_w (W ~ N(0, σ_w²/fan_in)); ``bias_std`` σ_b of
    the bias initialisation; ``bias``: whether biases exist and are trained (each adds 1 per layer).
    """
    x1 = x1.to(torch.float64)
    x2 = x1 if x2 is None else x2.to(torch.float64)
    d = x1.shape[1]
    w2, b2, one = weight_std ** 2, bias_std ** 2, 1.0 if bias else 0.0
    dot = x1 @ x2.T
    s11 = (w2 * (x1 * x1).sum(1) / d + b2)[:, None]
    s22 = (w2 * (x2 * x2).sum(1) / d + b2)[None, :]
    s12 = w2 * dot / d + b2
    ntk = dot + one
    for width in widths:
        value, derivative = _relu_expectations(s11, s22, s12)
        ntk = width * value + one + w2 * derivative * ntk
        s12 = w2 * value + b2
        s11, s22 = w2 * s11 / 2 + b2, w2 * s22 / 2 + b2
    return ntk


def linearised_gradient_descent(k_train: torch.Tensor, k_test_train: torch.Tensor, y_train: torch.Tensor,
                                f0_train: torch.Tensor, f0_test: torch.Tensor, learning_rate: float,
                                steps: Sequence[int] | torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Outputs of kernel gradient descent on the loss ½ Σ (f − y)², the NTK theory of training.

    With K = k_train (N, N), the training residual after s steps of learning rate η is (I − ηK)^s (f0 − y);
    test outputs move by −K_*K⁻¹ (I − (I − ηK)^s)(f0 − y), evaluated in K's eigenbasis (float64, stable
    for near-zero eigenvalues, where the factor tends to η s). Shapes: k_test_train (N*, N), y_train and
    f0_train (N,), f0_test (N*,). Returns train outputs (S, N) and test outputs (S, N*) at ``steps``.
    """
    k = k_train.to(torch.float64)
    lam, vec = torch.linalg.eigh((k + k.T) / 2)
    s = torch.as_tensor(steps, dtype=torch.float64).unsqueeze(1)
    r0 = vec.T @ (f0_train.to(torch.float64) - y_train.to(torch.float64))     # residual in the eigenbasis
    decay = torch.pow(1 - learning_rate * lam, s)                              # (S, N)
    tiny = lam.abs() <= 1e-12 * lam.abs().max()
    gain = torch.where(tiny, learning_rate * s, (1 - decay) / torch.where(tiny, 1.0, lam))
    train = y_train.to(torch.float64) + (decay * r0) @ vec.T
    test = f0_test.to(torch.float64) - (gain * r0) @ (k_test_train.to(torch.float64) @ vec).T
    return train, test

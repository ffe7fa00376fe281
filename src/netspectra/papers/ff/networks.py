"""Coordinate-based ReLU MLPs of the Fourier Features experiments and their two initialisations.

``n_layers`` counts dense layers as the paper does: a "4-layer" network is 3 hidden Dense+ReLU layers and
one output Dense (:func:`netspectra.models.mlp` builds them). Initialisations:

- ``standard``: W ~ N(0, weight_std²/fan_in), b ~ N(0, bias_std²) (0 by default): the standard
  parameterisation of the NTK experiments, matching :func:`netspectra.ntk.relu_ntk`.
- ``glorot_normal``: JAX's default Dense init used by the authors' image notebooks: truncated normal on
  [−2σ', 2σ'] with σ' = √(2/(fan_in + fan_out)) / 0.8796 (so the variance is 2/(fan_in + fan_out)), and
  biases N(0, 0.01²).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from netspectra import models

INITS = ("standard", "glorot_normal")
OUTPUTS = ("linear", "sigmoid")
# Standard deviation of a unit normal truncated to [-2, 2]; JAX divides by it to keep the variance.
_TRUNCATED_STD = 0.87962566103423978


def initialise(model: nn.Module, init: str, seed: int, *, weight_std: float = 1.0, bias_std: float = 0.0) -> nn.Module:
    """Seeded initialisation of every ``nn.Linear`` of ``model`` (in place; returns the model)."""
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; valid names: {', '.join(INITS)}")
    g = torch.Generator().manual_seed(int(seed))
    with torch.no_grad():
        for module in model.modules():
            if not isinstance(module, nn.Linear):
                continue
            fan_out, fan_in = module.weight.shape
            if init == "standard":
                module.weight.normal_(0.0, weight_std / math.sqrt(fan_in), generator=g)
                module.bias.normal_(0.0, bias_std, generator=g) if bias_std > 0 else module.bias.zero_()
            else:
                std = math.sqrt(2.0 / (fan_in + fan_out)) / _TRUNCATED_STD
                nn.init.trunc_normal_(module.weight, 0.0, std, -2 * std, 2 * std, generator=g)
                module.bias.normal_(0.0, 0.01, generator=g)
    return model


def factory(in_features: int, width: int, n_layers: int, *, out_features: int = 1, output: str = "linear",
            init: str = "standard", weight_std: float = 1.0, bias_std: float = 0.0, dtype: torch.dtype = torch.float32):
    """``seed -> model`` for :func:`netspectra.ensemble.init_stacked`: ``n_layers`` dense layers, i.e.
    (n_layers − 1) × [Linear(width), ReLU] and Linear(out_features) (then a sigmoid for ``output="sigmoid"``),
    built by :func:`netspectra.models.mlp` and initialised by :func:`initialise`."""
    if n_layers < 1:
        raise ValueError(f"n_layers must be >= 1, got {n_layers}")
    if output not in OUTPUTS:
        raise ValueError(f"unknown output {output!r}; valid names: {', '.join(OUTPUTS)}")
    widths = [width] * (n_layers - 1)

    def make(seed: int) -> nn.Module:
        model = models.mlp(in_features, widths, out_features, "relu", None if output == "linear" else output)
        model = model.to(dtype)
        return initialise(model, init, seed, weight_std=weight_std, bias_std=bias_std)

    return make

"""Activation functions by name, as torch modules and as numpy-callable functions."""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch
from torch import nn

from .model_specs import ACTIVATIONS

_FACTORIES: dict[str, Callable[[float], nn.Module]] = {
    "relu": lambda slope: nn.ReLU(),
    "leaky_relu": lambda slope: nn.LeakyReLU(negative_slope=slope),
    "tanh": lambda slope: nn.Tanh(),
    "softplus": lambda slope: nn.Softplus(),
    "elu": lambda slope: nn.ELU(),
    "gelu": lambda slope: nn.GELU(),
    "hardtanh": lambda slope: nn.Hardtanh(),
    "selu": lambda slope: nn.SELU(),
    "sigmoid": lambda slope: nn.Sigmoid(),
    "linear": lambda slope: nn.Identity(),
}
NAMES = tuple(_FACTORIES)
assert set(NAMES) == set(ACTIVATIONS)  # the names that model specs accept


def make(name: str, slope: float = 0.01, inplace: bool = False) -> nn.Module:
    """Activation module ``name``; ``slope`` is the LeakyReLU negative slope (ignored by the others).

    ``inplace``: overwrite the input where torch's module can (ReLU, LeakyReLU, ELU, SELU, Hardtanh), for an
    input nothing else reads (a BatchNorm's output); it saves a pass over memory and gives the same values.
    """
    if name not in _FACTORIES:
        raise ValueError(f"unknown activation {name!r}; valid names: {', '.join(NAMES)}")
    module = _FACTORIES[name](slope)
    if inplace and hasattr(module, "inplace"):
        module.inplace = True
    return module


def as_numpy(name: str, slope: float = 0.01) -> Callable[[np.ndarray], np.ndarray]:
    """The activation as a float64 numpy function (for Chebyshev interpolation)."""
    module = make(name, slope)

    def f(x: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return module(torch.as_tensor(np.asarray(x, dtype=np.float64))).numpy()

    return f

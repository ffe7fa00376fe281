"""Directions D in weight space: seeded, unit Frobenius norm over the chosen parameter set.

Kinds: ``all`` (every parameter), ``layer:<k>`` (parameters of ``model.layer_names[k]``, 0 = input layer)
and ``gradient`` (the normalised gradient of the cross-entropy loss at W). A direction is a dict holding
only the parameters it moves.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call


def _layer_prefix(model: nn.Module, kind: str) -> str:
    names = getattr(model, "layer_names", None)
    key = kind.split(":", 1)[1]
    if names is not None and key.lstrip("-").isdigit():
        index = int(key)
        if not -len(names) <= index < len(names):
            raise ValueError(f"direction {kind!r}: layer index out of range, model has layers 0..{len(names) - 1}")
        return names[index]
    return key


def select_parameters(model: nn.Module, kind: str) -> list[str]:
    """Names of the parameters a direction of ``kind`` moves."""
    names = [n for n, _ in model.named_parameters()]
    if kind in ("all", "gradient"):
        return names
    if kind.startswith("layer:"):
        prefix = _layer_prefix(model, kind)
        chosen = [n for n in names if n.startswith(prefix + ".")]
        if not chosen:
            raise ValueError(f"direction {kind!r} selects no parameters (prefix {prefix!r})")
        return chosen
    raise ValueError(f"unknown direction kind {kind!r}; valid: all, layer:<k>, gradient")


def normalise(direction: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    norm = torch.sqrt(sum((d.double() ** 2).sum() for d in direction.values())).to(next(iter(direction.values())).dtype)
    return {n: d / norm for n, d in direction.items()}


def random_direction(model: nn.Module, kind: str, seed: int) -> dict[str, torch.Tensor]:
    """i.i.d. N(0,1) entries over the selected parameters, scaled to unit global norm.

    Drawn on the CPU from ``seed`` so that CPU and CUDA runs move along the same direction.
    """
    params = dict(model.named_parameters())
    g = torch.Generator().manual_seed(seed)
    d = {n: torch.randn(params[n].shape, generator=g).to(params[n]) for n in select_parameters(model, kind)}
    return normalise(d)


def gradient_direction(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
    """Normalised gradient of the mean cross-entropy at the current weights (BatchNorm on batch statistics)."""
    params = {n: p.detach().requires_grad_(True) for n, p in model.named_parameters()}
    was_training = model.training
    model.train()
    state = {n: b.clone() for n, b in model.named_buffers()}
    loss = F.cross_entropy(functional_call(model, params, (x,)), y)
    grads = torch.autograd.grad(loss, list(params.values()))
    with torch.no_grad():  # the forward above updated BatchNorm running statistics: undo it
        for n, b in model.named_buffers():
            b.copy_(state[n])
    model.train(was_training)
    return normalise({n: g.detach() for n, g in zip(params, grads)})


def parameter_norm(model: nn.Module, names: list[str] | None = None) -> float:
    """Frobenius norm of the parameters ``names`` of ``model`` taken together (default: all of them)."""
    params = dict(model.named_parameters())
    return _norm([params[n] for n in (names or params)])


def _norm(tensors: list[torch.Tensor]) -> float:
    """Frobenius norm of ``tensors`` taken together, summed in float64 (0 for none)."""
    return float(torch.sqrt(sum((t.detach().double() ** 2).sum() for t in tensors))) if tensors else 0.0


def layer_moves(model: nn.Module, direction: dict[str, torch.Tensor], radius: float) -> dict[str, float]:
    """How far the end of a path moves each layer: ``radius·|D_l| / |W_l|`` per name in ``model.layer_names``.

    ``|·|`` is the Frobenius norm over the layer's parameters (its module prefix); a layer the direction does
    not touch moves 0. With D of unit norm over all N weights, a layer of n_l weights gets |D_l| ≈ √(n_l/N).
    """
    params = dict(model.named_parameters())
    by_layer = {layer: [] for layer in model.layer_names}
    for n in params:  # each parameter under the layer that is a module prefix of its name
        parts = n.split(".")
        layer = next((p for p in (".".join(parts[:i]) for i in range(1, len(parts))) if p in by_layer), None)
        if layer is not None:
            by_layer[layer].append(n)
    moves = {}
    for layer, names in by_layer.items():
        w = _norm([params[n] for n in names])
        d = _norm([direction[n] for n in names if n in direction])
        moves[layer] = radius * d / w if w > 0 else float("nan")
    return moves


def make_direction(model: nn.Module, kind: str, seed: int, x: torch.Tensor | None = None,
                   y: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    if kind == "gradient":
        if x is None or y is None:
            raise ValueError("a gradient direction needs the batch (x, y)")
        return gradient_direction(model, x, y)
    return random_direction(model, kind, seed)

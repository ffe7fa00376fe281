"""Batched evaluation of layer outputs along a path ``p(t) = f_l(x, W + t·D)`` in weight space.

All points of a chunk are evaluated in one call. netspectra's own models take stacked parameters natively
(``netspectra.layers``: points folded into channels, grouped convolutions); any other ``nn.Module`` is
evaluated with ``torch.func.vmap`` over ``functional_call``. BatchNorm uses the batch statistics of the
sampled images (``batchnorm="batch"``, no running-statistics updates) or the running statistics
(``batchnorm="running"``, for trained checkpoints). Besides layer outputs, the *loss path* (the batch's mean
cross-entropy at every point, the pseudo-layer :data:`LOSS`) is recorded from the same forward passes.
"""

from __future__ import annotations

import copy
import functools
from contextlib import contextmanager

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, replace_all_batch_norm_modules_, vmap

from .layers import unstack

LOSS = "loss"  # pseudo-layer of the loss path: the mean cross-entropy of the batch at every point


def is_stackable(model: nn.Module) -> bool:
    """True when every parameterised module of ``model`` comes from ``netspectra.layers``."""
    from . import layers

    own = (layers.Conv2d, layers.BatchNorm2d, layers.Linear)
    return all(isinstance(m, own) for m in model.modules() if any(True for _ in m.parameters(recurse=False)))


def stacked_parameters(params: dict[str, torch.Tensor], direction: dict[str, torch.Tensor],
                       ts: torch.Tensor) -> dict[str, torch.Tensor]:
    """``W + t·D`` for every t, each with a leading point dimension of size ``len(ts)``."""
    out = {}
    for name, w in params.items():
        if name in direction:
            out[name] = w + ts.view(-1, *[1] * w.dim()) * direction[name]
        else:
            out[name] = w.expand(len(ts), *w.shape)
    return out


@contextmanager
def _recording(model: nn.Module, layer_names: list[str], keep=lambda name, out: out):
    """Forward hooks that store ``keep(name, output)`` of ``layer_names`` in the yielded dict.

    Reducing inside the hook lets the full output be freed at once, so the allocator reuses its memory
    (retaining every layer's full output would need fresh memory for each chunk).
    """
    modules = dict(model.named_modules())
    missing = [n for n in layer_names if n not in modules]
    if missing:
        recordable = getattr(model, "layer_names", sorted(modules))
        raise ValueError(f"model has no layer(s) {missing}; recordable: {recordable}")
    store: dict[str, torch.Tensor] = {}
    handles = [modules[n].register_forward_hook(lambda m, i, o, n=n: store.__setitem__(n, keep(n, o)))
               for n in layer_names]
    try:
        yield store
    finally:
        for h in handles:
            h.remove()


class PathEvaluator:
    """Evaluates the outputs of ``layers`` at many points ``W + t·D`` of one model.

    ``__call__(direction, ts)`` returns ``{layer: (len(ts), B, ...)}`` computed in chunks of ``chunk``
    points (bounding memory at about ``chunk`` copies of the activations and weights). With
    ``select={layer: flat indices}`` it keeps only those entries of each point's output: ``(len(ts), n)``.
    ``layers`` may name :data:`LOSS`: then ``targets`` (the batch's class labels, (B,)) are needed and the
    result holds ``{LOSS: (len(ts),)}``, the mean cross-entropy of the model's output at every point.
    """

    def __init__(self, model: nn.Module, x: torch.Tensor, layers: list[str], *, batchnorm: str = "batch",
                 chunk: int = 32, targets: torch.Tensor | None = None):
        if batchnorm not in ("batch", "running"):
            raise ValueError(f"batchnorm must be 'batch' or 'running', got {batchnorm!r}")
        self.records_loss = LOSS in layers
        if self.records_loss and targets is None:
            raise ValueError("recording the loss path needs the batch's labels (targets)")
        self.stackable = is_stackable(model)
        if not self.stackable:
            model = copy.deepcopy(model)
            if batchnorm == "batch":
                replace_all_batch_norm_modules_(model)
        self.model = model.train(batchnorm == "batch")
        self.params = {n: p.detach() for n, p in model.named_parameters()}
        self.buffers = {n: b.detach() for n, b in model.named_buffers()}
        self.recorded = list(layers)  # in the caller's order, LOSS included
        self.layers = [n for n in layers if n != LOSS]  # the modules whose outputs hooks record
        self.chunk, self.targets = chunk, targets
        # Channels-last makes the grouped convolutions of the stacked layout markedly faster on CPU.
        self.x = x.contiguous(memory_format=torch.channels_last) if self.stackable and x.dim() == 4 else x

    def _chunk(self, stacked: dict[str, torch.Tensor], p: int,
               select: dict[str, torch.Tensor] | None = None) -> dict[str, torch.Tensor]:
        """``{layer: (p, B, ...)}`` for ``p`` stacked points, or ``(p, n)`` at the flat ``select`` indices."""
        def keep(n, o):
            o = unstack(o, p) if self.stackable else o
            return o if select is None else o.flatten(1 if self.stackable else 0)[..., select[n]]

        def loss(logits):  # (P, B, classes) -> (P,)
            per_image = F.cross_entropy(logits.flatten(0, 1), self.targets.repeat(logits.shape[0]), reduction="none")
            return per_image.view(logits.shape[:2]).mean(1)

        with _recording(self.model, self.layers, keep) as store:
            if self.stackable:
                out = functional_call(self.model, (stacked, self.buffers), (self.x,))
                return dict(store) | ({LOSS: loss(unstack(out, p))} if self.records_loss else {})

            def one(params):
                out = functional_call(self.model, (params, self.buffers), (self.x,))
                return {n: store[n] for n in self.layers} | ({LOSS: loss(out[None])[0]} if self.records_loss else {})

            return vmap(one)(stacked)

    @functools.cached_property
    def shapes(self) -> dict[str, torch.Size]:
        """Shape ``(B, ...)`` of one point's output of every recorded layer."""
        zero = torch.zeros(1, device=self.x.device)
        with torch.no_grad():
            return {n: o.shape[1:] for n, o in self._chunk(stacked_parameters(self.params, {}, zero), 1).items()}

    @torch.no_grad()
    def __call__(self, direction: dict[str, torch.Tensor], ts: torch.Tensor,
                 select: dict[str, torch.Tensor] | None = None) -> dict[str, torch.Tensor]:
        if select is not None:
            select = {n: i.to(self.x.device) for n, i in select.items()}
        chunks = [self._chunk(stacked_parameters(self.params, direction, t), len(t), select)
                  for t in ts.split(self.chunk)]
        return {n: torch.cat([c[n] for c in chunks]) for n in self.recorded}


def sample_indices(shape: torch.Size, max_paths: int | None, generator: torch.Generator) -> torch.Tensor:
    """Sorted flat indices of at most ``max_paths`` entries (unit, position, image) of a layer output."""
    n = int(torch.tensor(shape).prod())
    if max_paths is None or max_paths >= n:
        return torch.arange(n)
    return torch.randperm(n, generator=generator)[:max_paths].sort().values

"""M independent networks of one architecture as ONE model with stacked weights (training many runs at once).

``netspectra.layers`` evaluate parameters that carry a leading dimension in the *stacked* layout
``(B, M*C, H, W)`` (member m owns channels ``m*C … (m+1)*C``): a convolution becomes one grouped
convolution, the classifier one batched einsum. :func:`stack_models` builds such a model from M plain
ones and adds what training needs beyond path sampling:

- BatchNorm keeps running statistics per member (buffers ``(M, C)``) and uses them in ``eval()`` mode;
- LeakyReLU may have a different negative slope per member (slope is a grid value that changes no shape).

The input is either shared ``(B, C, H, W)`` (every member sees the same images, e.g. validation) or
per member ``(B, M*C, H, W)`` (each member its own batch); the output is ``(B, M*n_classes)``. Since the
members share no parameter and the training loss is the sum of the member losses, every member's
gradient is exactly that of an independent run. :func:`member_state_dict` gives member m back as the
state dict of the plain model.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from . import layers

# Buffers that stay shared scalars instead of being stacked.
SHARED_BUFFERS = ("num_batches_tracked",)


class MemberBatchNorm2d(layers.BatchNorm2d):
    """BatchNorm over the stacked layout with per-member affine parameters and running statistics."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            self.num_batches_tracked.add_(1)
        # Views of the (M, C) buffers: batch_norm updates the running statistics in place through them.
        return F.batch_norm(x, self.running_mean.view(-1), self.running_var.view(-1), self.weight.reshape(-1),
                            self.bias.reshape(-1), self.training, self.momentum, self.eps)


class MemberLeakyReLU(nn.Module):
    """LeakyReLU with one negative slope per member, on the stacked layout ``(B, M*C, ...)``."""

    def __init__(self, slopes: Sequence[float]):
        super().__init__()
        self.register_buffer("slopes", torch.tensor([float(s) for s in slopes]), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # PReLU with fixed per-channel slopes: member m's slope repeated over its C channels.
        channels = x.shape[1] // self.slopes.numel()
        return F.prelu(x, self.slopes.to(x.dtype).repeat_interleave(channels))


def _set(root: nn.Module, name: str, module: nn.Module) -> None:
    parent, _, leaf = name.rpartition(".")
    setattr(root.get_submodule(parent) if parent else root, leaf, module)


def _stacked(w: torch.Tensor) -> torch.Tensor:
    """A stacked parameter; convolution weights ``(M, O, I, kh, kw)`` as M channels-last weights in memory, so that
    the grouped convolution over channels-last activations (:data:`netspectra.training.LAYOUT`) reorders no
    weight (a training step of ResNet 20-56 at 8x8 about 5 % faster on CPU)."""
    if w.dim() != 5:
        return w
    m, o, i, kh, kw = w.shape
    return w.new_empty(m, o, kh, kw, i).permute(0, 1, 4, 2, 3).copy_(w)


def stack_models(models: Sequence[nn.Module], slopes: Sequence[float] | None = None) -> nn.Module:
    """One model whose every parameter and buffer is ``(M, *shape)``: member m = ``models[m]``.

    ``slopes``: per-member LeakyReLU negative slopes (only needed when they differ between members; the
    plain models must then use LeakyReLU). The returned model keeps the first model's ``layer_names``.
    """
    if not models:
        raise ValueError("stack_models needs at least one model")
    stacked = copy.deepcopy(models[0])
    params = [dict(m.named_parameters()) for m in models]
    buffers = [dict(m.named_buffers()) for m in models]
    for name in params[0]:
        module_name, _, leaf = name.rpartition(".")
        module = stacked.get_submodule(module_name)
        setattr(module, leaf, nn.Parameter(_stacked(torch.stack([p[name].detach() for p in params]))))
    for name in buffers[0]:
        module_name, _, leaf = name.rpartition(".")
        if leaf not in SHARED_BUFFERS:
            stacked.get_submodule(module_name).register_buffer(leaf, torch.stack([b[name] for b in buffers]).clone())
    for name, module in list(stacked.named_modules()):
        if isinstance(module, nn.BatchNorm2d):
            member_bn = MemberBatchNorm2d(module.num_features, module.eps, module.momentum)
            member_bn.weight, member_bn.bias = module.weight, module.bias
            for leaf in ("running_mean", "running_var", "num_batches_tracked"):
                member_bn.register_buffer(leaf, getattr(module, leaf))
            _set(stacked, name, member_bn)
        elif isinstance(module, nn.LeakyReLU) and slopes is not None and len(set(slopes)) > 1:
            _set(stacked, name, MemberLeakyReLU(slopes))
    member_slopes = any(isinstance(m, MemberLeakyReLU) for m in stacked.modules())
    if slopes is not None and len(set(slopes)) > 1 and not member_slopes:
        raise ValueError("per-member slopes need a LeakyReLU network (activation: leaky_relu)")
    return stacked


def n_members(model: nn.Module) -> int:
    return next(model.parameters()).shape[0]


def member_state_dict(state: dict[str, torch.Tensor], member: int) -> dict[str, torch.Tensor]:
    """State dict of the plain model for ``member``, sliced out of a stacked model's state dict."""
    return {k: v if k.rpartition(".")[2] in SHARED_BUFFERS else v[member].clone() for k, v in state.items()}


def member_outputs(out: torch.Tensor, m: int) -> torch.Tensor:
    """Stacked output ``(B, M*K)`` -> ``(B, M, K)``."""
    return out.unflatten(1, (m, -1))

"""Networks of the papers, built from ``netspectra.layers`` so they evaluate stacked weights natively.

Every model lists its recordable layers in ``layer_names`` (module names, input side first); index 0 is the
input layer (``stem``), so ``layer:<k>`` directions and layer numbers in tables count from there. Models are
built from a spec dict by :func:`build_model`.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from . import activations, layers
from .model_specs import ARCHS, INITS, check_spec


class ConvUnit(nn.Module):
    """[3×3 conv (width·a channels), BatchNorm, activation, sum of a groups], optional shortcut.

    The activations of the conv models overwrite their input, a BatchNorm's output or a sum nothing else reads.
    """

    def __init__(self, width: int, activation: str, slope: float, groups: int, shortcut: bool, nu: float):
        super().__init__()
        self.conv = layers.Conv2d(width, width * groups, 3, padding=1)
        self.bn = layers.BatchNorm2d(width * groups)
        self.act = activations.make(activation, slope, inplace=True)
        self.sum = layers.GroupSum(groups, width)
        self.shortcut, self.nu = shortcut, nu

    def forward(self, x):
        y = self.sum(self.act(self.bn(self.conv(x))))
        return self.nu * x + y if self.shortcut else y


class ToyCNN(nn.Module):
    """Toy-CNN of Ringing ReLUs (App. A): stride-5 input conv, ``depth`` ConvUnits, linear classifier."""

    def __init__(self, depth: int, width: int = 16, activation: str = "relu", slope: float = 0.01,
                 shortcut: bool = False, nu: float = 1.0, groups: int = 1, in_channels: int = 3,
                 n_classes: int = 10, image_size: int = 32):
        super().__init__()
        self.stem = layers.Conv2d(in_channels, width, 3, stride=5, padding=1)
        self.units = nn.ModuleList(ConvUnit(width, activation, slope, groups, shortcut, nu) for _ in range(depth))
        side = (image_size + 2 - 3) // 5 + 1
        self.classifier = layers.Linear(width * side * side, n_classes)
        self.layer_names = ["stem"] + [f"units.{i}" for i in range(depth)]

    def forward(self, x, start: int = 0):
        """Logits; ``start`` > 0: ``x`` is the input of ``layer_names[start]`` and the layers before are skipped."""
        if start == 0:
            x = self.stem(x)
        for unit in self.units[max(start - 1, 0):]:
            x = unit(x)
        return self.classifier(x)


class BasicBlock(nn.Module):
    """CIFAR BasicBlock; v1 post-activation, v2 pre-activation (He et al. 2016a/b).

    ``nu`` weighs the shortcut: out = nu·shortcut(x) + branch(x), so nu=0 is the NoShort network and nu=1
    the ResNet (Ringing ReLUs Fig. 1 sweeps it). ``groups`` > 1 (averaging network) needs no shortcut.
    """

    def __init__(self, in_planes: int, planes: int, stride: int, version: int, activation: str, slope: float,
                 shortcut: bool, nu: float, groups: int):
        super().__init__()
        if groups > 1 and shortcut:
            raise ValueError("averaging groups (groups > 1) are defined for networks without shortcuts")
        self.version, self.shortcut, self.nu = version, shortcut, nu
        self.conv1 = layers.Conv2d(in_planes, planes * groups, 3, stride=stride, padding=1, bias=False)
        self.conv2 = layers.Conv2d(planes, planes * groups, 3, padding=1, bias=False)
        bn1_planes = in_planes if version == 2 else planes * groups
        self.bn1 = layers.BatchNorm2d(bn1_planes)
        self.bn2 = layers.BatchNorm2d(planes * groups)
        self.act1 = activations.make(activation, slope, inplace=True)
        self.act2 = activations.make(activation, slope, inplace=True)
        self.sum1 = layers.GroupSum(groups, planes)
        self.sum2 = layers.GroupSum(groups, planes)
        self.skip = layers.ShortcutA(in_planes, planes, stride)

    def forward(self, x):
        if self.version == 1:
            y = self.bn2(self.conv2(self.sum1(self.act1(self.bn1(self.conv1(x))))))
            if self.shortcut:
                y = y + self.nu * self.skip(x)
            return self.sum2(self.act2(y))
        y = self.sum1(self.act2(self.bn2(self.conv1(self.act1(self.bn1(x))))))
        y = self.sum2(self.conv2(y))
        return y + self.nu * self.skip(x) if self.shortcut else y


class ResNet(nn.Module):
    """CIFAR ResNet, depth 6n+2, three stages of ``planes`` (16/32/64; wide: 28/56/112)."""

    def __init__(self, depth: int = 20, version: int = 1, activation: str = "relu", slope: float = 0.01,
                 shortcut: bool = True, nu: float = 1.0, planes: tuple[int, int, int] = (16, 32, 64),
                 groups: int = 1, in_channels: int = 3, n_classes: int = 10):
        super().__init__()
        if (depth - 2) % 6 or depth < 8:
            raise ValueError(f"ResNet depth must be 6n+2 with n >= 1 (8, 20, 56, 110, 194, ...), got {depth}")
        if version not in (1, 2):
            raise ValueError(f"ResNet version must be 1 or 2, got {version}")
        n = (depth - 2) // 6
        self.version = version
        self.stem = layers.Conv2d(in_channels, planes[0], 3, padding=1, bias=False)
        # v1 normalises and activates the stem; v2 does so after the last block instead.
        self.stem_bn = layers.BatchNorm2d(planes[0])
        self.stem_act = activations.make(activation, slope, inplace=True)
        blocks, in_planes, self.layer_names = [], planes[0], ["stem"]
        for stage, width in enumerate(planes):
            for i in range(n):
                stride = 2 if stage > 0 and i == 0 else 1
                blocks.append(BasicBlock(in_planes, width, stride, version, activation, slope, shortcut, nu, groups))
                self.layer_names.append(f"blocks.{len(blocks) - 1}")
                in_planes = width
        self.blocks = nn.ModuleList(blocks)
        self.final_bn = layers.BatchNorm2d(planes[-1])
        self.final_act = activations.make(activation, slope, inplace=True)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = layers.Linear(planes[-1], n_classes)
        self.layer_names.append("pool")

    def forward(self, x, start: int = 0):
        """Logits; ``start`` > 0: ``x`` is the input of ``layer_names[start]`` and the layers before are skipped."""
        if start == 0:
            x = self.stem(x)
            if self.version == 1:
                x = self.stem_act(self.stem_bn(x))
        for block in self.blocks[max(start - 1, 0):]:
            x = block(x)
        if self.version == 2 and start <= len(self.blocks):
            x = self.final_act(self.final_bn(x))
        return self.classifier(self.pool(x))


def mlp(in_features: int, widths: list[int], out_features: int = 1, activation: str = "relu",
        output: str | None = None) -> nn.Sequential:
    """The plain MLP of the input-space papers: [Linear, activation] per hidden width, a Linear read-out and
    optionally an output activation (e.g. ``"sigmoid"``). Parameters are named ``0.weight``, ``0.bias``,
    ``2.weight``, … and initialised by PyTorch's default (callers re-initialise where a paper says so).
    """
    sizes = [in_features, *widths]
    modules: list[nn.Module] = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        modules += [nn.Linear(a, b), activations.make(activation)]
    modules.append(nn.Linear(sizes[-1], out_features))
    if output is not None:
        modules.append(activations.make(output))
    return nn.Sequential(*modules)


def spectral_norm(weight: torch.Tensor) -> torch.Tensor:
    """Exact spectral norm (largest singular value) of ``weight`` (..., out, in), batched over (...)."""
    return torch.linalg.matrix_norm(weight.detach(), ord=2)


class MLP(nn.Module):
    """Fully connected network: ``in_features`` -> ``widths`` (each Linear + activation) -> ``out_features``.

    ``layers.i`` is the i-th hidden layer (its output is post-activation); ``out`` the linear read-out.
    """

    def __init__(self, in_features: int, widths: list[int], out_features: int = 1, activation: str = "relu",
                 slope: float = 0.01):
        super().__init__()
        sizes = [in_features, *widths]
        self.layers = nn.ModuleList(
            nn.Sequential(layers.Linear(a, b), activations.make(activation, slope))
            for a, b in zip(sizes[:-1], sizes[1:])
        )
        self.out = layers.Linear(sizes[-1], out_features)
        self.layer_names = [f"layers.{i}" for i in range(len(widths))] + ["out"]

    def forward(self, x, start: int = 0):
        """Output; ``start`` > 0: ``x`` is the input of ``layer_names[start]`` and the layers before are skipped."""
        for layer in self.layers[start:]:
            x = layer(x)
        return self.out(x)


def delta_orthogonal_(weight: torch.Tensor, gain: float = 1.0, generator: torch.Generator | None = None) -> None:
    """Xiao et al. (2018): zero kernel except an (semi-)orthogonal matrix at the spatial centre."""
    out_c, in_c, kh, kw = weight.shape
    a = torch.randn(max(out_c, in_c), min(out_c, in_c), generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r))
    q = q if out_c >= in_c else q.T
    with torch.no_grad():
        weight.zero_()
        weight[:, :, kh // 2, kw // 2] = gain * q.to(weight.dtype)


def initialise(model: nn.Module, init: str, seed: int) -> None:
    """Seeded initialisation of every conv/linear weight; BatchNorm to (1, 0); biases to 0."""
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; valid names: {', '.join(INITS)}")
    g = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
        elif isinstance(module, (nn.Conv2d, nn.Linear)):
            if init == "delta_orthogonal" and isinstance(module, nn.Conv2d):
                delta_orthogonal_(module.weight, generator=g)
            elif init in ("kaiming", "delta_orthogonal"):
                nn.init.kaiming_normal_(module.weight, nonlinearity="relu", generator=g)
            else:
                bound = 1 / math.sqrt(module.weight[0].numel())
                nn.init.uniform_(module.weight, -bound, bound, generator=g)
            if module.bias is not None:
                nn.init.zeros_(module.bias)


_CLASSES = {"toycnn": ToyCNN, "resnet": ResNet, "mlp": MLP}
assert tuple(_CLASSES) == ARCHS


def build_model(spec: dict[str, Any], seed: int = 0) -> nn.Module:
    """A model from ``spec``: ``arch`` (toycnn | resnet | mlp), ``init`` (kaiming | delta_orthogonal | pytorch)
    and the constructor's keyword arguments; unknown names raise ValueError listing the valid ones."""
    kwargs = check_spec(spec)
    arch, init = spec["arch"], spec.get("init", "kaiming")
    if "planes" in kwargs:
        kwargs["planes"] = tuple(kwargs["planes"])
    model = _CLASSES[arch](**kwargs)
    initialise(model, init, seed)
    return model

"""What a model spec may say, checked without torch: the Snakefile checks every spec at parse time, and a
workflow parse that imported torch would cost each Snakemake start (dry runs, SLURM jobs) ~1.6 s more.

:func:`netspectra.models.build_model` builds the models these specs describe.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ARCHS = ("toycnn", "resnet", "mlp")
INITS = ("kaiming", "delta_orthogonal", "pytorch")
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "softplus", "elu", "gelu", "hardtanh", "selu", "sigmoid", "linear")
# the constructors' keyword arguments and their defaults, per architecture
DEFAULTS: dict[str, dict[str, Any]] = {
    "toycnn": dict(depth=10, width=16, activation="relu", slope=0.01, shortcut=False, nu=1.0, groups=1,
                   in_channels=3, n_classes=10, image_size=32),
    "resnet": dict(depth=20, version=1, activation="relu", slope=0.01, shortcut=True, nu=1.0,
                   planes=(16, 32, 64), groups=1, in_channels=3, n_classes=10),
    "mlp": dict(in_features=1, widths=[256] * 6, out_features=1, activation="relu", slope=0.01),
}


def check_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Validate a model spec without building it; return the constructor's keyword arguments.

    Raises ValueError naming the bad entry and listing the valid names.
    """
    spec = dict(spec)
    arch = spec.pop("arch", None)
    if arch not in ARCHS:
        raise ValueError(f"unknown architecture {arch!r}; valid names: {', '.join(ARCHS)}")
    init = spec.pop("init", "kaiming")
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; valid names: {', '.join(INITS)}")
    unknown = set(spec) - set(DEFAULTS[arch])
    if unknown:
        raise ValueError(f"unknown {arch} option(s) {sorted(unknown)}; valid: {sorted(DEFAULTS[arch])}")
    kwargs = DEFAULTS[arch] | spec
    if kwargs["activation"] not in ACTIVATIONS:
        raise ValueError(f"unknown activation {kwargs['activation']!r}; valid names: {', '.join(ACTIVATIONS)}")
    return kwargs


def check_job(model: dict[str, Any], members: Sequence[dict[str, Any]]) -> None:
    """Raise ValueError for a training job that would fail only once it runs (checked at parse time)."""
    kwargs = check_spec(model)
    if model["arch"] == "resnet" and ((kwargs["depth"] - 2) % 6 or kwargs["depth"] < 8):
        raise ValueError(f"ResNet depth must be 6n+2 (8, 14, 20, 56, 110, ...), got {kwargs['depth']}")
    if kwargs.get("groups", 1) > 1 and kwargs.get("shortcut"):
        raise ValueError("averaging groups (groups > 1) need shortcut: false")
    if len({m.get("slope") for m in members}) > 1 and kwargs["activation"] != "leaky_relu":
        raise ValueError(f"a slope grid needs activation leaky_relu, not {kwargs['activation']!r}")

"""``netspectra`` command line: the weight-space roughness (fractal coefficient h per layer) of your own model.

    netspectra roughness examples/tiny_resnet.py:resnet8 --layers layer1 layer2 layer3 --output h.parquet

``MODULE:FACTORY`` names a module (dotted import path, or a ``.py`` file) and a callable in it that returns an
``nn.Module``. Paths ``p(t) = f_l(x, W + t·D)`` are sampled with the pipeline's engine
(:func:`netspectra.sampling.sample_model_paths`; models not built from ``netspectra.layers`` are evaluated
through ``torch.func.vmap``), their power spectra averaged (:func:`netspectra.spectra.average_power`) and h
fitted (:func:`netspectra.powerlaw.fit`) per recorded layer. The same is available from Python as
:func:`roughness`.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

from . import datasets, device, io, powerlaw, spectra
from .sampling import sample_model_paths

DATASET_NAMES = ("digits", "cifar10", "cifar100", "mnist")


def load_factory(spec: str):
    """The callable named by ``MODULE:FACTORY`` (MODULE a dotted module path or a ``.py`` file)."""
    module_name, sep, attr = spec.rpartition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"expected MODULE:FACTORY (e.g. examples/tiny_resnet.py:resnet8), got {spec!r}")
    if module_name.endswith(".py") or Path(module_name).is_file():
        path = Path(module_name)
        if not path.is_file():
            raise FileNotFoundError(f"no Python file at {path}")
        module_spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    if not hasattr(module, attr):
        raise AttributeError(f"{module_name} has no attribute {attr!r}")
    return getattr(module, attr)


def load_inputs(data: str, *, data_dir: str | None = None, channels: int = 3, input_size: int | None = 32,
                labels: str | None = None) -> tuple[torch.Tensor, torch.Tensor | None, str]:
    """Inputs ``(N, ...)`` float32, labels ``(N,)`` int64 or None, and a description of the source.

    ``data``: a dataset name (``digits`` = scikit-learn's digits, shipped with scikit-learn, as ``channels`` ×
    ``input_size``²; ``cifar10``/``cifar100``/``mnist`` read from ``data_dir``) or a ``.npy``/``.pt`` file
    holding an array of inputs (a ``.pt`` file may hold ``{"x": inputs, "y": labels}``).
    """
    if data in DATASET_NAMES:
        images = datasets.load_images(data, data_dir if data != "digits" else None, "test", input_size)
        x = images.x
        if data == "digits" and x.shape[1] != channels:
            x = x.expand(-1, channels, -1, -1).contiguous()
        return x, images.y, images.source
    path = Path(data)
    if not path.is_file():
        raise FileNotFoundError(f"--data: no dataset named {data!r} ({', '.join(DATASET_NAMES)}) and no file there")
    y = None
    if path.suffix == ".npy":
        x = torch.from_numpy(np.load(path))
    elif path.suffix == ".pt":
        obj = torch.load(path, map_location="cpu", weights_only=True)
        x, y = (obj["x"], obj.get("y")) if isinstance(obj, dict) else (obj, None)
    else:
        raise ValueError(f"--data {path}: expected a .npy or .pt file")
    if labels is not None:
        y = torch.from_numpy(np.load(labels)) if labels.endswith(".npy") else torch.load(labels, weights_only=True)
    return torch.as_tensor(x).float(), None if y is None else torch.as_tensor(y).long(), str(path)


def default_layers(model: nn.Module) -> list[str]:
    """The model's own ``layer_names`` if it has them, else its top-level children in order."""
    return list(getattr(model, "layer_names", None) or [name for name, _ in model.named_children()])


def roughness(model: nn.Module, x: torch.Tensor, y: torch.Tensor | None = None, *, layers: list[str] | None = None,
              n_points: int = 100, radius: float = 1.0, n_directions: int = 4, direction: str = "all",
              max_paths_per_layer: int | None = 256, batchnorm: str = "batch", chunk: int = 16, seed: int = 0,
              normalise: str = "none", detrend: str = "none", window: str = "none", k_min: int = 1,
              k_max: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """h per recorded layer of ``model`` on the batch ``x`` (and the paths it was fitted on).

    ``layers``: module names (default: :func:`default_layers`). Returns ``(h, paths)``: ``h`` has one row per
    layer (h of the power spectrum averaged over directions and sampled entries, its intercept and r2, the
    std of h over directions, the fit range and sizes), ``paths`` is the pipeline's ``paths`` table. The
    default fit range is k = 1 … n_points/4, as the pipeline's. ``y`` is needed only for
    ``direction="gradient"``; without it the model's own predictions serve as labels.
    """
    layers = list(layers or default_layers(model))
    # The engine records layers by their module names and looks them up in ``layer_names``.
    model.layer_names = layers
    # In-place activations would overwrite a recorded output (e.g. BatchNorm's) after its hook stored it.
    for module in model.modules():
        if getattr(module, "inplace", False) is True:
            module.inplace = False
    if y is None:
        # Labels matter only to the gradient direction; without them the model's own predictions serve (on a
        # copy, so that a train-mode forward leaves the model's BatchNorm statistics alone).
        if direction == "gradient":
            with torch.no_grad():
                y = copy.deepcopy(model)(x).argmax(dim=-1)
        else:
            y = torch.zeros(len(x), dtype=torch.long, device=x.device)
    paths = sample_model_paths(model, x, y, direction=direction, n_directions=n_directions, n_points=n_points,
                               radius=radius, layers=layers, max_paths_per_layer=max_paths_per_layer,
                               batchnorm=batchnorm, chunk=chunk, seed=seed)
    k_max = k_max or powerlaw.default_k_max(n_points)
    k = spectra.frequencies(n_points)
    rows = []
    for (layer, name), group in paths.groupby(["layer", "layer_name"], sort=True):
        per_direction = [spectra.average_power(np.stack(g["values"].to_numpy()), normalise=normalise, detrend=detrend,
                                               window=window) for _, g in group.groupby("direction")]
        power = np.stack([p for p, _ in per_direction])
        used = sum(n for _, n in per_direction)
        fit = powerlaw.fit(k, np.sqrt(np.nanmean(power, axis=0)), k_min, k_max)
        h_directions = powerlaw.fit(k, np.sqrt(power), k_min, k_max)["h"]
        rows.append({"layer": int(layer), "layer_name": name, "h": float(fit["h"]),
                     "h_std": float(np.nanstd(h_directions)) if len(power) > 1 else float("nan"),
                     "intercept": float(fit["intercept"]), "r2": float(fit["r2"]), "k_min": k_min, "k_max": k_max,
                     "n_paths": int(used), "n_directions": n_directions, "n_points": n_points, "radius": radius,
                     "direction_kind": direction})
    return pd.DataFrame(rows), paths


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="netspectra", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("roughness", help="fractal coefficient h per layer of your model (weight-space paths)",
                       description="Sample paths p(t) = f_l(x, W + t·D), t in [0, radius], and fit h per layer.")
    r.add_argument("model", metavar="MODULE:FACTORY",
                   help="module (dotted path or .py file) and a callable in it returning an nn.Module")
    r.add_argument("--kwargs", default="{}", help="JSON object of keyword arguments for FACTORY (default {})")
    r.add_argument("--layers", nargs="+", default=None,
                   help="module names whose outputs are recorded (default: model.layer_names, else its top-level "
                        "children)")
    r.add_argument("--n-points", type=int, default=100, help="points per path (default 100, as the paper)")
    r.add_argument("--radius", type=float, default=1.0, help="path length in weight space, |D| = 1 (default 1)")
    r.add_argument("--n-directions", type=int, default=4, help="random directions D (default 4)")
    r.add_argument("--direction", default="all",
                   help="all (every parameter), layer:<module name or index in --layers>, or gradient (default all)")
    r.add_argument("--batch-size", type=int, default=8, help="input images the paths are evaluated on (default 8)")
    r.add_argument("--max-paths-per-layer", type=int, default=256,
                   help="(unit, position, image) entries kept per layer and direction (default 256)")
    r.add_argument("--chunk", type=int, default=16, help="path points evaluated per batched call (memory)")
    r.add_argument("--batchnorm", choices=("batch", "running"), default="batch",
                   help="BatchNorm on the batch's statistics (at init) or on running statistics (trained models)")
    r.add_argument("--normalise", choices=spectra.NORMALISATIONS, default="none",
                   help="path_norm: every path's spectrum divided by its power (the paper's 'normalised')")
    r.add_argument("--detrend", choices=spectra.DETRENDS, default="none")
    r.add_argument("--window", choices=spectra.WINDOWS, default="none")
    r.add_argument("--k-min", type=int, default=1, help="fit range start (default 1)")
    r.add_argument("--k-max", type=int, default=None, help="fit range end (default n_points/4)")
    r.add_argument("--data", default="digits",
                   help="digits (scikit-learn, default), cifar10, cifar100, mnist (with --data-dir), or a .npy/.pt "
                        "file of inputs (a .pt file may hold {'x': inputs, 'y': labels})")
    r.add_argument("--data-dir", default=None, help="folder with the datasets in their standard formats")
    r.add_argument("--labels", default=None, help=".npy/.pt file of integer labels (gradient direction only)")
    r.add_argument("--channels", type=int, default=3, help="digits: channels the images are repeated to (default 3)")
    r.add_argument("--input-size", type=int, default=32, help="dataset images resized to this side (default 32)")
    r.add_argument("--seed", type=int, default=0, help="seed of the model init, image choice, directions")
    r.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda[:n]")
    r.add_argument("--output", default=None, help="Parquet file for the h table (with provenance metadata)")
    r.add_argument("--paths-output", default=None, help="Parquet file for the sampled paths (the pipeline's schema)")
    return parser


def run_roughness(args: argparse.Namespace) -> pd.DataFrame:
    dev = device.resolve(args.device)
    torch.manual_seed(args.seed)  # the factory's own initialisation
    model = load_factory(args.model)(**json.loads(args.kwargs))
    if not isinstance(model, nn.Module):
        raise TypeError(f"{args.model} returned {type(model).__name__}, not an nn.Module")
    x, y, source = load_inputs(args.data, data_dir=args.data_dir, channels=args.channels, input_size=args.input_size,
                               labels=args.labels)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(args.seed))[: args.batch_size]
    x = x[order].to(dev)
    y = None if y is None else y[order].to(dev)
    table, paths = roughness(
        model.to(dev), x, y, layers=args.layers, n_points=args.n_points, radius=args.radius,
        n_directions=args.n_directions, direction=args.direction, max_paths_per_layer=args.max_paths_per_layer,
        batchnorm=args.batchnorm, chunk=args.chunk, seed=args.seed, normalise=args.normalise, detrend=args.detrend,
        window=args.window, k_min=args.k_min, k_max=args.k_max)
    table.insert(0, "model", args.model)
    config = vars(args) | {"data_source": source, "device_used": str(dev)}
    if args.output:
        io.write_table(table, args.output, schema="roughness", rule="netspectra roughness", config=config,
                       seed=args.seed)
    if args.paths_output:
        paths.insert(0, "init", 0)
        paths.insert(0, "variant", "cli")
        paths.insert(0, "experiment", args.model)
        io.write_table(paths, args.paths_output, schema="paths", rule="netspectra roughness", config=config,
                       seed=args.seed)
    return table


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        table = run_roughness(args)
    except (ValueError, FileNotFoundError, AttributeError, TypeError, ImportError) as error:
        print(f"netspectra {args.command}: error: {error}", file=sys.stderr)
        return 2
    columns = ["layer_name", "h", "h_std", "r2", "n_paths"]
    print(f"fractal coefficient h per layer ({args.n_directions} directions × {args.n_points} points, radius "
          f"{args.radius:g}, fit k = {table.k_min.iloc[0]}…{table.k_max.iloc[0]}; smaller h = rougher):")
    print(table[columns].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.output:
        print(f"written: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

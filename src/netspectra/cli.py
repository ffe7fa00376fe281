"""``netspectra`` command line: roughness (h per layer) and input-space spectrum of your own model.

    netspectra roughness examples/tiny_resnet.py:resnet20 --layers layer1 layer2 layer3 fc --radius 10
    netspectra spectrum my_model.py:make_mlp --weights trained.pt --points 256 --plot spectrum.png

``MODULE:FACTORY`` names a module (dotted import path, or a ``.py`` file) and a callable in it that returns an
``nn.Module``; ``--weights`` loads a state dict into it. Both subcommands call the library
(:func:`netspectra.roughness`, :func:`netspectra.input_spectrum`), so the command, the library and the pipeline
measure the same way.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
import traceback
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

from . import __version__, datasets, device, io, spectra
from .api import BATCHNORM_MODES, DEFAULT_ESTIMATOR, check_options, roughness

DATASET_NAMES = ("digits", "cifar10", "cifar100", "mnist")
ESTIMATOR_HELP = {"detrended": "least-squares line removed, Hann window", "plain": "the paper's DFT, no detrend"}
# The command's spelling of the library's options, so that messages name what the user typed.
FLAGS = {name: "--" + name.replace("_", "-") for name in (
    "n_points", "radius", "n_directions", "k_min", "k_max", "max_paths_per_layer", "chunk", "estimator",
    "normalise", "batchnorm", "layers", "direction", "loss")}


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


def load_model(spec: str, kwargs: str = "{}", weights: str | None = None, seed: int = 0) -> nn.Module:
    """``FACTORY(**kwargs)`` (seeded), with the state dict in ``weights`` loaded (a ``.pt`` file holding a state
    dict, or a dict with it under ``state_dict`` or ``model``)."""
    try:
        options = json.loads(kwargs)
    except json.JSONDecodeError as error:
        raise ValueError(f"--kwargs is not a JSON object ({error}): e.g. '{{\"shortcut\": false}}'") from None
    if not isinstance(options, dict):
        raise ValueError(f"--kwargs must be a JSON object, got {kwargs!r}")
    torch.manual_seed(seed)  # the factory's own initialisation
    model = load_factory(spec)(**options)
    if not isinstance(model, nn.Module):
        raise TypeError(f"{spec} returned {type(model).__name__}, not an nn.Module")
    if weights:
        if not Path(weights).is_file():
            raise FileNotFoundError(f"--weights: no file at {weights}")
        state = torch.load(weights, map_location="cpu", weights_only=True)
        for key in ("state_dict", "model"):
            if isinstance(state, dict) and isinstance(state.get(key), dict):
                state = state[key]
        try:
            model.load_state_dict(state)
        except RuntimeError as error:
            raise ValueError(f"--weights {weights} does not fit {spec}: {error}") from None
    return model


def load_inputs(data: str, *, data_dir: str | None = None, channels: int = 3, input_size: int | None = 32,
                labels: str | None = None) -> tuple[torch.Tensor, torch.Tensor | None, str]:
    """Inputs ``(N, ...)`` float32, labels ``(N,)`` int64 or None, and a description of the source.

    ``data``: a dataset name (``digits`` = scikit-learn's digits, shipped with scikit-learn, as ``channels`` ×
    ``input_size``²; ``cifar10``/``cifar100``/``mnist`` read from ``data_dir``) or a ``.npy``/``.pt`` file
    holding an array of inputs (a ``.pt`` file may hold ``{"x": inputs, "y": labels}``).
    """
    if data in DATASET_NAMES:
        if data != "digits" and data_dir is None:  # never substitute another dataset silently
            raise ValueError(f"--data {data} needs --data-dir, the folder holding it in its standard format "
                             "(nothing is downloaded); --data digits uses scikit-learn's digits")
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


def _load_array(path: str, option: str) -> torch.Tensor:
    if not Path(path).is_file():
        raise FileNotFoundError(f"{option}: no file at {path}")
    if path.endswith(".npy"):
        return torch.from_numpy(np.load(path))
    return torch.as_tensor(torch.load(path, map_location="cpu", weights_only=True))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _model_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", metavar="MODULE:FACTORY",
                   help="module (dotted path or .py file) and a callable in it returning an nn.Module")
    p.add_argument("--kwargs", default="{}", help="JSON object of keyword arguments for FACTORY (default {})")
    p.add_argument("--weights", default=None, help=".pt file with a state dict to load into the model (trained "
                                                   "weights); default: the factory's initialisation")
    p.add_argument("--seed", type=int, default=0, help="seed of the model init, image choice, directions")
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda[:n]")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="netspectra", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"netspectra {__version__}")
    parser.add_argument("--traceback", action="store_true", help="on an error, show the full Python traceback")
    sub = parser.add_subparsers(dest="command", required=True)

    r = sub.add_parser("roughness", help="fractal coefficient h per layer of your model (weight-space paths)",
                       description="Sample paths p(t) = f_l(x, W + t·D), t in [0, radius], |D| = 1, and fit h per "
                                   "layer (netspectra.roughness).")
    _model_arguments(r)
    r.add_argument("--layers", nargs="+", default=None,
                   help="module names whose outputs are recorded, as in model.named_modules() (default: the "
                        "top-level children with parameters); 'output' = the model's output")
    r.add_argument("--n-points", type=int, default=100, help="points per path (default 100, as the paper)")
    r.add_argument("--radius", type=float, default=1.0, help="path length in weight space, |D| = 1 (default 1)")
    r.add_argument("--n-directions", type=int, default=4, help="random directions D (default 4)")
    r.add_argument("--direction", default="all",
                   help="all (every parameter), layer:<module name>, or gradient (default all)")
    r.add_argument("--estimator", choices=tuple(spectra.ESTIMATORS), default=DEFAULT_ESTIMATOR,
                   help="; ".join(f"{k}: {v}" for k, v in ESTIMATOR_HELP.items()) + f" (default {DEFAULT_ESTIMATOR})")
    r.add_argument("--loss", action="store_true", help="also record the loss path (cross-entropy on the labels)")
    r.add_argument("--batch-size", type=_positive_int, default=8,
                   help="input images the paths are evaluated on (default 8)")
    r.add_argument("--max-paths-per-layer", type=int, default=256,
                   help="(unit, position, image) entries kept per layer and direction (default 256)")
    r.add_argument("--chunk", type=lambda v: v if v == "auto" else int(v), default="auto",
                   help="path points evaluated per batched call: auto (the engine's rule) or a number")
    r.add_argument("--batchnorm", choices=("auto", *BATCHNORM_MODES), default="auto",
                   help="BatchNorm on the batch's statistics or on running statistics (auto: running with "
                        "--weights, batch otherwise)")
    r.add_argument("--normalise", choices=spectra.NORMALISATIONS, default="none",
                   help="path_norm: every path's spectrum divided by its power (the paper's 'normalised')")
    r.add_argument("--k-min", type=int, default=1, help="fit range start (default 1)")
    r.add_argument("--k-max", type=int, default=None, help="fit range end (default n_points/4)")
    r.add_argument("--data", default="digits",
                   help="digits (scikit-learn, default), cifar10, cifar100, mnist (with --data-dir), or a .npy/.pt "
                        "file of inputs (a .pt file may hold {'x': inputs, 'y': labels})")
    r.add_argument("--data-dir", default=None, help="folder with the datasets in their standard formats")
    r.add_argument("--labels", default=None, help=".npy/.pt file of integer labels (--loss, gradient direction)")
    r.add_argument("--channels", type=_positive_int, default=3,
                   help="digits: channels the images are repeated to (default 3)")
    r.add_argument("--input-size", type=_positive_int, default=32,
                   help="dataset images resized to this side (default 32)")
    r.add_argument("--output", default=None, help="Parquet file for the h table (with provenance metadata)")
    r.add_argument("--paths-output", default=None, help="Parquet file for the sampled paths (the pipeline's schema)")
    r.add_argument("--plot", default=None, help="image file (.png, .pdf) of h per layer with the estimator's floor")

    s = sub.add_parser("spectrum", help="your model's spectrum in input space on a line or a grid",
                       description="Evaluate the model on an even line or square grid of inputs and print the "
                                   "amplitude of every frequency (netspectra.input_spectrum).")
    _model_arguments(s)
    s.add_argument("--points", type=int, default=None,
                   help="points per axis of the generated line/grid (default 256 on a line, 64 on a grid)")
    s.add_argument("--dims", type=int, choices=(1, 2), default=1,
                   help="1: a line of scalar inputs; 2: a square grid of 2-d inputs (default 1)")
    s.add_argument("--range", type=float, nargs=2, default=(0.0, 1.0), metavar=("LOW", "HIGH"),
                   help="input interval of each axis, HIGH excluded (default 0 1)")
    s.add_argument("--inputs", default=None,
                   help=".npy/.pt file of your own points: (N, d) along a line or (n1, n2, d) a grid (instead of "
                        "--points/--dims/--range)")
    s.add_argument("--target", default=None, help=".npy/.pt file of the target's values on the points: adds "
                                                  "normalised amplitudes and picks the target's frequencies")
    s.add_argument("--frequencies", type=int, nargs="+", default=None, help="frequencies k to report")
    s.add_argument("--output-unit", type=int, default=None, help="output unit of a model with several outputs")
    s.add_argument("--output", default=None, help="Parquet file for the spectrum table (with provenance metadata)")
    s.add_argument("--plot", default=None, help="image file (.png, .pdf) of the amplitude over k")
    return parser


def run_roughness(args: argparse.Namespace) -> pd.DataFrame:
    dev = device.resolve(args.device)
    check_options(n_points=args.n_points, radius=args.radius, n_directions=args.n_directions, k_min=args.k_min,
                  k_max=args.k_max, max_paths_per_layer=args.max_paths_per_layer, chunk=args.chunk,
                  estimator=args.estimator, normalise=args.normalise, names=FLAGS)
    model = load_model(args.model, args.kwargs, args.weights, args.seed)
    x, y, source = load_inputs(args.data, data_dir=args.data_dir, channels=args.channels, input_size=args.input_size,
                               labels=args.labels)
    if args.loss and y is None:
        raise ValueError(f"--loss needs labels: --data {args.data} has none; give them with --labels")
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(args.seed))[: args.batch_size]
    x = x[order].to(dev)
    y = None if y is None else y[order].to(dev)
    batchnorm = args.batchnorm if args.batchnorm != "auto" else ("running" if args.weights else "batch")
    try:
        table, paths = roughness(
            model.to(dev), x, layers=args.layers, direction=args.direction, n_directions=args.n_directions,
            n_points=args.n_points, radius=args.radius, loss=y if args.loss else None, estimator=args.estimator,
            normalise=args.normalise, k_min=args.k_min, k_max=args.k_max, max_paths_per_layer=args.max_paths_per_layer,
            batchnorm=batchnorm, chunk=args.chunk, seed=args.seed, return_paths=True, option_names=FLAGS)
    except RuntimeError as error:
        raise RuntimeError(f"evaluating {args.model} on inputs of shape {tuple(x.shape)} from {source} failed "
                           f"(see --data, --channels, --input-size): {error}") from error
    table["model"] = args.model
    config = vars(args) | {"data_source": source, "device_used": str(dev), "batchnorm_used": batchnorm}
    if args.output:
        io.write_table(table, args.output, schema="roughness", rule="netspectra roughness", config=config,
                       seed=args.seed)
    if args.paths_output:
        paths.insert(0, "init", 0)
        paths.insert(0, "variant", "cli")
        paths.insert(0, "experiment", args.model)
        io.write_table(paths, args.paths_output, schema="paths", rule="netspectra roughness", config=config,
                       seed=args.seed)
    if args.plot:
        _save_plot("plot_roughness", table, args.plot, title=f"h per layer of {args.model}")
    return table


def print_roughness(table: pd.DataFrame, args: argparse.Namespace) -> None:
    first = table.iloc[0]
    print(f"fractal coefficient h per layer of {args.model} ({first.estimator} DFT: {ESTIMATOR_HELP[first.estimator]}; "
          f"{args.n_directions} directions × {args.n_points} points, radius {args.radius:g}, fit k = "
          f"{first.k_min}…{first.k_max}; smaller h = rougher):")
    columns = ["layer_name", "h", "h_std", "r2", "floor_h", "n_paths", "n_left_out"]
    print(table[columns].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"floor_h = {first.floor_h:.2f}: the h this estimator gives a smooth path "
          f"({'a parabola' if first.estimator == 'detrended' else 'a straight line'}); h near it shows no roughness. "
          "n_left_out: paths with nothing above float32 rounding once detrended (constant"
          f"{', or straight lines' if first.estimator == 'detrended' else ''}); h is NaN where none is left.")


def _spectrum_points(args: argparse.Namespace) -> torch.Tensor:
    from .inputspace import grid, line

    if args.inputs:
        return _load_array(args.inputs, "--inputs").float()
    low, high = args.range
    if not high > low:
        raise ValueError(f"--range: HIGH must exceed LOW, got {low:g} {high:g}")
    n = args.points or (256 if args.dims == 1 else 64)
    if n < 8:
        raise ValueError(f"--points must be at least 8, got {n}")
    return line(n, low, high) if args.dims == 1 else grid(n, low, high)


def run_spectrum(args: argparse.Namespace) -> pd.DataFrame:
    from .inputspace import input_spectrum

    dev = device.resolve(args.device)
    model = load_model(args.model, args.kwargs, args.weights, args.seed).to(dev)
    points = _spectrum_points(args)
    target = None if args.target is None else _load_array(args.target, "--target").double()
    try:
        table = input_spectrum(model, points, target=target, frequencies=args.frequencies, output=args.output_unit)
    except RuntimeError as error:
        raise RuntimeError(f"evaluating {args.model} on inputs of shape {tuple(points.shape)} failed (see --dims, "
                           f"--inputs): {error}") from error
    table.insert(0, "model", args.model)
    if args.output:
        io.write_table(table, args.output, schema="input_spectrum", rule="netspectra spectrum",
                       config=vars(args) | {"points_shape": list(points.shape), "device_used": str(dev)},
                       seed=args.seed)
    if args.plot:
        _save_plot("plot_spectrum", table, args.plot, title=f"spectrum of {args.model} in input space")
    return table


def print_spectrum(table: pd.DataFrame, args: argparse.Namespace) -> None:
    columns = ["k", "amplitude"] + (["target_amplitude", "normalised_amplitude"] if args.target else [])
    print(f"spectrum of {args.model} in input space (amplitude of the single-sided DFT; k in cycles per line or "
          "grid side):")
    shown = 32  # a long spectrum is written with --output, not scrolled past
    print(table[columns].head(shown).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if len(table) > shown:
        print(f"… {len(table) - shown} more frequencies up to k = {table.k.max()} (--output writes them all)")


def _save_plot(function: str, table: pd.DataFrame, path: str, **kwargs) -> None:
    import matplotlib.pyplot as plt

    from . import plotting

    fig = getattr(plotting, function)(table, **kwargs)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)


ERRORS = (ValueError, FileNotFoundError, AttributeError, TypeError, ImportError, RuntimeError, KeyError)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "roughness":
            table = run_roughness(args)
            print_roughness(table, args)
        else:
            table = run_spectrum(args)
            print_spectrum(table, args)
    except ERRORS as error:
        if args.traceback:
            traceback.print_exc()
        print(f"netspectra {args.command}: error: {error}", file=sys.stderr)
        return 2
    for option in ("output", "paths_output", "plot"):
        if getattr(args, option, None):
            print(f"written: {getattr(args, option)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

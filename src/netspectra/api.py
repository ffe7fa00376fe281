"""Weight-space roughness of your own model: ``netspectra.roughness(model, x)``.

One row per recorded layer: the fractal coefficient h of the layer's paths ``p(t) = f_l(x, W + t·D)``, t in
[0, radius], fitted like the pipeline's (:mod:`netspectra.sampling` → :func:`netspectra.spectra.average_power`
→ :func:`netspectra.powerlaw.fit`), beside the h the same estimator gives a smooth path (``floor_h``): a layer
whose h is near that floor shows no roughness the estimator can see.

The caller's model is never modified: paths are evaluated on a deep copy (netspectra's own stacked layers
natively, any other ``nn.Module`` through ``torch.func.vmap``), so hooks, ``inplace`` flags and BatchNorm
statistics of the original stay as they are. Everything runs on the device of ``x`` and the model.
"""

from __future__ import annotations

import copy
import difflib
import math
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch import nn

from . import powerlaw, spectra
from .directions import make_direction
from .paths import LOSS, PathEvaluator, is_stackable
from .progress import Progress
from .sampling import path_rows, resolve_layers, selection
from .seeds import seed_for

DEFAULT_ESTIMATOR = "detrended"  # linear detrend + Hann window; "plain" is the paper's DFT (see spectra.ESTIMATORS)
MIN_FIT_FREQUENCIES = 4  # fewer points make any power law fit (two points give r² = 1)
OUTPUT = "output"  # layer name of the model's own output (the root module), for models without children
BATCHNORM_MODES = ("batch", "running")


class OptionError(ValueError):
    """A bad option value; the message names the option (as the caller spells it)."""


def _name(option: str, names: dict[str, str] | None) -> str:
    return (names or {}).get(option, option)


def check_options(*, n_points: int, radius: float, n_directions: int, k_min: int = 1, k_max: int | None = None,
                  max_paths_per_layer: int | None = 256, chunk: int | str = "auto", estimator: str = DEFAULT_ESTIMATOR,
                  normalise: str = "none", batchnorm: str | None = None,
                  names: dict[str, str] | None = None) -> tuple[int, int]:
    """Validate the numbers of a roughness run; returns the fit range ``(k_min, k_max)``.

    ``names`` maps an option to the spelling the caller uses (the command passes ``--n-points`` …), so the
    message names what the user typed. Raises :class:`OptionError`.
    """

    def fail(option, message):
        raise OptionError(f"{_name(option, names)} {message}")

    def integer(option, value, low, why=""):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            fail(option, f"must be an integer, got {value!r}")
        if value < low:
            fail(option, f"must be at least {low}{why}, got {value}")

    integer("n_points", n_points, 2 * MIN_FIT_FREQUENCIES,
            f" (a power law is fitted to at least {MIN_FIT_FREQUENCIES} frequencies k ≤ n_points/2)")
    integer("n_directions", n_directions, 1)
    if chunk != "auto":
        integer("chunk", chunk, 1)
    if max_paths_per_layer is not None:
        integer("max_paths_per_layer", max_paths_per_layer, 1)
    if not isinstance(radius, (int, float, np.floating)) or isinstance(radius, bool) or not math.isfinite(radius) \
            or radius <= 0:
        fail("radius", f"must be a positive finite number (path length in weight space, |D| = 1), got {radius!r}")
    if estimator not in spectra.ESTIMATORS:
        fail("estimator", f"must be one of {list(spectra.ESTIMATORS)}, got {estimator!r}")
    if normalise not in spectra.NORMALISATIONS:
        fail("normalise", f"must be one of {list(spectra.NORMALISATIONS)}, got {normalise!r}")
    if batchnorm is not None and batchnorm not in BATCHNORM_MODES:
        fail("batchnorm", f"must be one of {list(BATCHNORM_MODES)} (or None: follow model.training), got {batchnorm!r}")
    integer("k_min", k_min, 1)
    top = n_points // 2
    k_max = powerlaw.default_k_max(n_points) if k_max is None else k_max
    integer("k_max", k_max, 1)
    if k_max > top:
        fail("k_max", f"must be at most n_points/2 = {top} (the highest frequency of a path), got {k_max}")
    if k_max - k_min + 1 < MIN_FIT_FREQUENCIES:
        fail("k_max" if k_max != powerlaw.default_k_max(n_points) else "n_points",
             f"gives a fit range k = {k_min}…{k_max} of {max(k_max - k_min + 1, 0)} frequencies; a power law needs "
             f"at least {MIN_FIT_FREQUENCIES} (the default range is k = 1…n_points/4, so n_points ≥ "
             f"{4 * MIN_FIT_FREQUENCIES})")
    return int(k_min), int(k_max)


def parameterised_children(model: nn.Module) -> list[str]:
    """Names of the top-level children that hold parameters (activations, pooling, Flatten are left out)."""
    return [name for name, child in model.named_children() if any(True for _ in child.parameters())]


def default_layers(model: nn.Module) -> list[str]:
    """The layers recorded when none are named: the model's own ``layer_names`` if it has them, else its
    top-level children with parameters, else its output."""
    own = getattr(model, "layer_names", None)
    return list(own) if own else parameterised_children(model) or [OUTPUT]


def check_layers(model: nn.Module, layers: list[str], names: dict[str, str] | None = None) -> None:
    """Every name must be a module of ``model`` (``named_modules``), ``output`` or ``loss``; the message lists
    the real names (top-level children first, then close matches)."""
    modules = [n for n, _ in model.named_modules() if n]
    missing = [n for n in layers if n not in modules and n not in (OUTPUT, LOSS)]
    if not missing:
        return
    children = [n for n, _ in model.named_children()]
    close = sorted({m for n in missing for m in difflib.get_close_matches(n, modules, n=3, cutoff=0.6)})
    listing = ", ".join(modules) if len(modules) <= 60 else (
        f"{', '.join(children)} (top level; {len(modules)} modules in all, e.g. {', '.join(modules[:10])} …)")
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise OptionError(f"{_name('layers', names)}: {type(model).__name__} has no module(s) {missing}{hint} "
                      f"Its modules are: {listing}; also 'output' (the model's output) and 'loss' (with loss=).")


def check_direction(model: nn.Module, direction: str, names: dict[str, str] | None = None) -> None:
    if direction in ("all", "gradient"):
        return
    if direction.startswith("layer:"):
        prefix = direction.split(":", 1)[1]
        owners = [n for n, m in model.named_modules() if n and any(True for _ in m.parameters(recurse=False))]
        if any(p.startswith(prefix + ".") for p, _ in model.named_parameters()):
            return
        raise OptionError(f"{_name('direction', names)} {direction!r}: no parameters under module {prefix!r}; "
                          f"modules with parameters: {', '.join(owners)}")
    raise OptionError(f"{_name('direction', names)} must be 'all', 'gradient' or 'layer:<module name>', "
                      f"got {direction!r}")


class _Probe(nn.Module):
    """Identity: gives the value of a loss callable a module whose output the path engine records."""

    def forward(self, value):
        return value


class _WithLoss(nn.Module):
    """``model`` whose forward also passes ``fn(output)`` (a scalar) through a probe named ``loss_probe``."""

    def __init__(self, model: nn.Module, fn: Callable[[torch.Tensor], torch.Tensor]):
        super().__init__()
        self.model, self.fn, self.loss_probe = model, fn, _Probe()

    def forward(self, x):
        out = self.model(x)
        self.loss_probe(torch.as_tensor(self.fn(out)).reshape(1))
        return out


def _working_copy(model: nn.Module, layers: list[str], loss) -> tuple[nn.Module, list[str], str]:
    """A deep copy prepared for the path engine, the engine's names of ``layers`` and the parameter prefix."""
    work = copy.deepcopy(model)
    # An in-place activation would overwrite a recorded output (e.g. BatchNorm's) after its hook stored it.
    for module in work.modules():
        if getattr(module, "inplace", False) is True:
            module.inplace = False
    engine = ["" if n == OUTPUT and n not in dict(model.named_modules()) else n for n in layers if n != LOSS]
    prefix = ""
    if callable(loss) and not isinstance(loss, torch.Tensor):
        if is_stackable(model):
            raise OptionError("loss: a loss callable needs a model evaluated through torch.func; this one is built "
                              "from netspectra.layers: pass the labels for the cross-entropy loss path instead")
        work, prefix = _WithLoss(work, loss), "model."
        engine = [prefix + n if n else "model" for n in engine] + ["loss_probe"]
    elif loss is not None:
        engine.append(LOSS)
    work.layer_names = [n for n in engine if n != LOSS]
    return work, engine, prefix


def roughness(model: nn.Module, x: torch.Tensor, *, layers: list[str] | None = None, direction: str = "all",
              n_directions: int = 4, n_points: int = 100, radius: float = 1.0,
              loss: torch.Tensor | Callable[[torch.Tensor], torch.Tensor] | None = None,
              estimator: str = DEFAULT_ESTIMATOR, normalise: str = "none", k_min: int = 1, k_max: int | None = None,
              max_paths_per_layer: int | None = 256, batchnorm: str | None = None, chunk: int | str = "auto",
              seed: int = 0,
              return_paths: bool = False, progress: bool | None = None,
              option_names: dict[str, str] | None = None) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """h per layer of ``model`` on the batch ``x`` (B, ...): one row per recorded layer.

    - ``layers``: module names as in ``model.named_modules()`` (``"layer1"``, ``"layer1.0.conv2"``, ``"output"``
      for the model's own output). Default: the top-level children that have parameters.
    - ``direction``: ``all`` (every parameter), ``layer:<module name>`` or ``gradient`` (of the cross-entropy on
      the labels given as ``loss``, else on the model's own predictions). Each direction D has |D| = 1.
    - ``loss``: the labels (B,) of ``x`` for the cross-entropy loss path, or a callable ``output -> scalar``
      (e.g. ``lambda out: F.mse_loss(out, y)``): adds a row ``loss`` (the loss along the path).
    - ``estimator``: ``detrended`` (default: least-squares line removed, Hann window) or ``plain`` (the paper's
      DFT, whose end-to-end leakage gives every path h ≈ 1); ``floor_h`` is its h for a smooth path.
    - ``batchnorm``: ``batch`` (statistics of ``x``) or ``running`` (the trained running statistics); default:
      ``batch`` when the model is in training mode, ``running`` after ``model.eval()``.

    Columns: model, layer (position), layer_name, h (of the spectrum averaged over directions and paths),
    h_std (std of h over directions), intercept, r2, k_min, k_max (fit range), floor_h, estimator, n_paths (paths
    fitted), n_left_out (paths the estimator leaves nothing of above float32 rounding: constant paths and, for
    ``detrended``, straight lines; a layer with none left has h NaN: it is smooth), n_directions, n_points, radius,
    direction_kind. With ``return_paths`` also the sampled paths (one row per
    path, ``values`` of length ``n_points``) as a second table. ``progress``: a tqdm bar over directions
    (default: on a terminal).
    """
    k_min, k_max = check_options(n_points=n_points, radius=radius, n_directions=n_directions, k_min=k_min,
                                 k_max=k_max, max_paths_per_layer=max_paths_per_layer, chunk=chunk,
                                 estimator=estimator, normalise=normalise, batchnorm=batchnorm, names=option_names)
    if not isinstance(model, nn.Module):
        raise OptionError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(x, torch.Tensor) or x.dim() < 1 or len(x) == 0:
        raise OptionError("x must be a non-empty tensor of inputs with a leading batch dimension")
    params = list(model.parameters())
    if not params:
        raise OptionError(f"{type(model).__name__} has no parameters: there is no weight space to move in")
    if params[0].device != x.device:
        raise OptionError(f"x is on {x.device} but the model's parameters on {params[0].device}: move both to the "
                          "same device")
    layers = list(dict.fromkeys(default_layers(model) if layers is None else layers))
    if not layers:
        raise OptionError(f"{_name('layers', option_names)} is empty: name at least one module")
    check_layers(model, layers, option_names)
    check_direction(model, direction, option_names)
    labels = _labels(loss, x, option_names)
    if LOSS in layers and loss is None and LOSS not in dict(model.named_modules()):
        raise OptionError(f"{_name('layers', option_names)} names 'loss' (the loss path): give the labels or a loss "
                          f"callable as {_name('loss', option_names)}")
    # The loss path comes after the last layer, as in the pipeline's tables.
    layers = [n for n in layers if n != LOSS] + ([LOSS] if loss is not None else [])
    batchnorm = batchnorm or ("batch" if model.training else "running")

    work, engine_layers, prefix = _working_copy(model, layers, loss if labels is None else labels)
    engine_direction = f"layer:{prefix}{direction.split(':', 1)[1]}" if direction.startswith("layer:") else direction
    y = labels
    if direction == "gradient" and y is None:
        with torch.no_grad():  # on another copy: a train-mode forward would move the BatchNorm statistics
            y = copy.deepcopy(model)(x).argmax(dim=-1)
    evaluator = PathEvaluator(work, x, resolve_layers(work, engine_layers), batchnorm=batchnorm, chunk=chunk,
                              targets=y if LOSS in engine_layers else None)
    ts = torch.linspace(0.0, radius, n_points, device=x.device)
    tables = []
    # The same loop as sampling.sample_model_paths (same seeds, so the same paths), with a progress bar.
    with Progress(n_directions, f"roughness of {type(model).__name__}", unit="direction", bar=progress) as bar:
        for j in range(n_directions):
            select = selection(evaluator, max_paths_per_layer, seed, j)
            d = _direction(work, engine_direction, seed_for(seed, j, 2), x, y)
            tables.append(path_rows(evaluator, d, ts, select, j))
            bar.update()
    paths = pd.concat(tables, ignore_index=True)
    rename = dict(zip(engine_layers, layers))
    paths["layer_name"] = paths["layer_name"].map(rename)
    table = fit_layers(paths, n_points=n_points, estimator=estimator, normalise=normalise, k_min=k_min, k_max=k_max)
    table.insert(0, "model", type(model).__name__)
    table["n_directions"] = n_directions
    table["n_points"] = n_points
    table["radius"] = float(radius)
    table["direction_kind"] = direction
    return (table, paths) if return_paths else table


def _direction(work: nn.Module, kind: str, seed: int, x: torch.Tensor, y: torch.Tensor | None):
    """:func:`netspectra.directions.make_direction` with ``layer:<name>`` read as a module name: the engine reads
    a number as an index into ``layer_names`` (the pipeline's ``layer:0`` = input layer), which would turn
    ``layer:0`` of an ``nn.Sequential`` into the first *recorded* layer."""
    names = work.layer_names
    work.layer_names = None
    try:
        return make_direction(work, kind, seed, x, y)
    finally:
        work.layer_names = names


def _labels(loss, x: torch.Tensor, names) -> torch.Tensor | None:
    """The labels in ``loss`` (checked against ``x``), or None when ``loss`` is None or a callable."""
    if loss is None or (callable(loss) and not isinstance(loss, torch.Tensor)):
        return None
    try:
        y = torch.as_tensor(loss)
    except (TypeError, ValueError, RuntimeError):
        y = None
    if y is None or y.shape != (len(x),) or y.dtype.is_floating_point or y.dtype == torch.bool:
        raise OptionError(f"{_name('loss', names)}: expected integer class labels of shape ({len(x)},) or a "
                          f"callable output -> scalar, got {_describe(loss)}")
    return y.to(x.device)


# A float32 path holds about 7 significant digits: variation below ~64 ulp of its largest value is rounding.
ROUNDING = 64 * float(np.finfo(np.float32).eps)


def resolved(values: np.ndarray, detrend: str = "linear") -> np.ndarray:
    """Which paths ``(n, N)`` of one layer keep something above float32 rounding after the estimator's detrending.

    Constant paths (a layer before the moved parameters, a dead ReLU unit) have no spectrum; with
    ``detrend="linear"`` neither have straight lines (a layer linear in the moved weights, e.g. the first
    convolution, or BatchNorm on running statistics): the estimator removes them and leaves rounding noise,
    whose flat spectrum would read as h ≈ 0, the roughest possible. Returns a boolean mask (n,).
    """
    p = np.asarray(values, dtype=np.float64)
    # Rounding follows the magnitudes summed into an entry, which its own value may hide by cancellation: the
    # layer's typical magnitude (median over its paths) bounds it from below.
    scale = np.abs(p).max(axis=-1)
    scale = np.maximum(scale, np.median(scale))
    rest = spectra.detrend_linear(p) if detrend == "linear" else p - p.mean(axis=-1, keepdims=True)
    return np.sqrt((rest**2).mean(axis=-1)) > ROUNDING * scale


def _describe(value) -> str:
    if isinstance(value, torch.Tensor):
        return f"a {value.dtype} tensor of shape {tuple(value.shape)}"
    return f"a {type(value).__name__}"


def fit_layers(paths: pd.DataFrame, *, n_points: int, estimator: str = DEFAULT_ESTIMATOR, normalise: str = "none",
               k_min: int = 1, k_max: int | None = None) -> pd.DataFrame:
    """h per layer of a ``paths`` table (direction, layer, layer_name, values): the spectrum of every direction
    averaged over its paths, h fitted to the mean over directions; h_std = std of the per-direction h."""
    options = spectra.ESTIMATORS[estimator]
    k_max = powerlaw.default_k_max(n_points) if k_max is None else k_max
    k = spectra.frequencies(n_points)
    floor = powerlaw.floor_h(n_points, k_min, k_max, **options)
    rows = []
    for (layer, name), group in paths.groupby(["layer", "layer_name"], sort=True):
        per_direction, left_out = [], 0
        for _, g in group.groupby("direction"):
            values = np.stack(g["values"].to_numpy())
            keep = resolved(values, options["detrend"])
            left_out += int((~keep).sum())
            per_direction.append(spectra.average_power(values[keep], normalise=normalise, **options) if keep.any()
                                 else (np.full(len(k), np.nan), 0))
        power = np.stack([p for p, _ in per_direction])
        with np.errstate(invalid="ignore", divide="ignore"):
            fit = powerlaw.fit(k, np.sqrt(np.nanmean(power, axis=0)) if np.isfinite(power).any() else power[0],
                               k_min, k_max)
            h_directions = powerlaw.fit(k, np.sqrt(power), k_min, k_max)["h"]
        finite = h_directions[np.isfinite(h_directions)]
        rows.append({"layer": int(layer), "layer_name": name, "h": float(fit["h"]),
                     "h_std": float(np.std(finite)) if len(finite) > 1 else float("nan"),
                     "intercept": float(fit["intercept"]), "r2": float(fit["r2"]), "k_min": int(k_min),
                     "k_max": int(k_max), "floor_h": floor, "estimator": estimator,
                     "n_paths": int(sum(n for _, n in per_direction)), "n_left_out": left_out})
    return pd.DataFrame(rows)

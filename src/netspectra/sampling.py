"""Path sampling for one model: directions, batched evaluation and the long table of sampled paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from torch import nn

from .directions import layer_moves, make_direction, parameter_norm, select_parameters
from .paths import LOSS, PathEvaluator, sample_indices
from .seeds import seed_for


def resolve_layers(model: nn.Module, layers: str | list) -> list[str]:
    """``all`` = every layer after the input layer, ``last`` = the pre-classifier layer, ``loss`` = the loss
    path, or a list of these, layer names and indices into ``model.layer_names``."""
    names = model.layer_names
    resolved = []
    for item in [layers] if isinstance(layers, str) else layers:
        if item == "all":
            resolved += names[1:]
        elif item == "last":
            resolved += names[-1:]
        else:
            resolved.append(names[item] if isinstance(item, int) else item)
    return list(dict.fromkeys(resolved))


def layer_index(model: nn.Module, name: str) -> int:
    """Index of a recorded layer in ``model.layer_names``; the loss path comes after the last layer."""
    return len(model.layer_names) if name == LOSS else model.layer_names.index(name)


def path_rows(evaluator: PathEvaluator, direction: dict[str, torch.Tensor], ts: torch.Tensor,
              select: dict[str, torch.Tensor], direction_index: int, **extra) -> pd.DataFrame:
    """Evaluate one direction and return one row per selected path (the ``paths`` table's columns).

    ``extra`` adds constant columns (e.g. which layer was moved). The loss path is one row, path_index 0.
    """
    model = evaluator.model
    out = evaluator(direction, ts, select)
    radius = float(ts[-1])
    return pd.concat([
        pd.DataFrame({
            "direction": direction_index, "layer": layer_index(model, n), "layer_name": n,
            "path_index": [0] if n == LOSS else select[n].numpy(), "radius": radius,
            "values": list(out[n].reshape(len(ts), -1).T.float().cpu().numpy()), **extra,
        })
        for n in evaluator.recorded
    ], ignore_index=True)


def path_radius(model: nn.Module, direction: str, radius: float | None, radius_relative: float | None) -> float:
    """The path length: ``radius``, or ``radius_relative`` × the norm of the parameters ``direction`` moves."""
    if (radius is None) == (radius_relative is None):
        raise ValueError("give exactly one of radius and radius_relative")
    if radius is not None:
        return float(radius)
    return float(radius_relative) * parameter_norm(model, select_parameters(model, direction))


def median_layer_move(model: nn.Module, d: dict[str, torch.Tensor], radius: float) -> float:
    """Median over the layers the direction moves of ``radius·|D_l| / |W_l|`` (see ``directions.layer_moves``)."""
    moves = [m for m in layer_moves(model, d, radius).values() if m > 0]
    return float(np.median(moves)) if moves else float("nan")


def sample_model_paths(model: nn.Module, x: torch.Tensor, y: torch.Tensor, *, direction: str,
                       n_directions: int, n_points: int, radius: float | None = None, layers: str | list,
                       max_paths_per_layer: int | None, batchnorm: str, chunk: int, seed: int,
                       radius_relative: float | None = None, progress=None) -> pd.DataFrame:
    """Paths ``f_l(x, W + t·D)``, t on ``n_points`` values in [0, radius], for ``n_directions`` directions.

    Give ``radius`` (|D| = 1, so the path ends at distance ``radius`` from W) or ``radius_relative`` (the
    radius as a fraction of the norm of the parameters the direction moves, so it grows with the weights,
    e.g. after training). A random subset of at most ``max_paths_per_layer`` (unit, position, image) entries
    of every layer is kept (the same subset for all points of a path). Returns one row per path: direction,
    layer (index in ``model.layer_names``), layer_name, path_index (flat index into the layer's (B, C, H, W)
    output), radius (absolute), values (float32, length ``n_points``) and layer_move (median over the moved
    layers of how far the path's end moves a layer relative to its weights' norm). ``layers`` may include
    ``loss``: the loss path of the batch (x, y), recorded as layer ``len(model.layer_names)`` named ``loss``.
    ``progress`` (a :class:`netspectra.progress.Progress`, optional) advances by one per direction.
    """
    names = resolve_layers(model, layers)
    evaluator = PathEvaluator(model, x, names, batchnorm=batchnorm, chunk=chunk, targets=y)
    radius = path_radius(model, direction, radius, radius_relative)
    ts = torch.linspace(0.0, radius, n_points, device=x.device)
    tables = []
    for j in range(n_directions):
        select = selection(evaluator, max_paths_per_layer, seed, j)
        d = make_direction(model, direction, seed_for(seed, j, 2), x, y)
        tables.append(path_rows(evaluator, d, ts, select, j, layer_move=median_layer_move(model, d, radius)))
        if progress is not None:
            progress.update(1)
    return pd.concat(tables, ignore_index=True)


def selection(evaluator: PathEvaluator, max_paths_per_layer: int | None, seed: int, direction_index: int):
    """The (unit, position, image) entries kept of every recorded layer for one direction."""
    shapes = evaluator.shapes
    g = torch.Generator().manual_seed(seed_for(seed, direction_index, 1))
    return {n: sample_indices(shapes[n], max_paths_per_layer, g) for n in evaluator.layers}

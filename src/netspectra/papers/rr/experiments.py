"""What the Ringing ReLUs rules compute beyond the generic sample_paths -> spectra -> fits chain.

rr-fig1 (:func:`transition_paths`): Fig. 1 follows the loss along a path W + t·D of a ResNet while the LeakyReLU
negative ``slope`` (1 = linear, 0 = ReLU) and the shortcut weight ``nu`` (0 = no shortcut, 1 = ResNet) change.
Neither option is a parameter, so every grid point is the same weights W, the same directions D and the same
recorded output entries: only the function changes. Each grid point is one batched evaluation of all path
points (``PathEvaluator``); the grid itself (a few dozen models) is a loop.

rr-fig15 (:func:`layerwise_paths`, App. E): paths that move the weights of one layer at a time. One random
direction D over all parameters is drawn per direction index; for every varied layer k its restriction to that
layer's parameters (renormalised to unit norm) is walked, and the recorded layer's outputs are evaluated along
it with the batched path engine. The recorded (unit, position, image) entries are the same for every k, so the
paths of one entry differ only in which layer moves.

rr-fig6 (branch correlation of the residual blocks' two summands) lives in branch_correlation.py.
"""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd
import torch
from torch import nn

from netspectra.directions import make_direction, normalise, select_parameters
from netspectra.models import build_model
from netspectra.paths import PathEvaluator, sample_indices
from netspectra.sampling import path_rows, resolve_layers, selection
from netspectra.seeds import seed_for


def transition_paths(spec: dict[str, Any], grid: dict[str, list], x: torch.Tensor, y: torch.Tensor, *,
                     n_points: int, radius: float, layers: str | list, n_paths: int, n_directions: int = 1,
                     batchnorm: str = "batch", chunk: int | str = "auto", seed: int = 0,
                     progress=None) -> pd.DataFrame:
    """Paths of the recorded ``layers`` for every combination of the ``grid`` model options.

    ``spec`` is the model spec without the grid keys; ``grid`` maps model options that do not change the
    parameters (e.g. ``slope``, ``nu``) to their values. ``layers`` may hold ``loss`` (the batch's mean
    cross-entropy, one path) and layers (``n_paths`` (unit, position, image) entries each). Every grid point
    walks the same ``n_directions`` directions from the same W and records the same entries. Returns one row
    per (grid point, direction, layer, path): the grid values, direction, layer (index in ``layer_names``;
    the loss after the last), layer_name, path_index (flat index into the layer's ``(B, C, H, W)`` output),
    radius and values (float32, ``n_points``). ``progress`` (a :class:`netspectra.progress.Progress`, optional)
    advances by one per (grid point, direction): ``n_directions`` × the number of grid points in all.
    """
    keys = list(grid)
    combos = [dict(zip(keys, values)) for values in itertools.product(*(grid[k] for k in keys))]
    reference = build_model(spec | combos[0], seed=seed_for(seed, 0)).to(x.device)
    names = resolve_layers(reference, layers)
    directions = [make_direction(reference, "all", seed_for(seed, j, 2), x, y) for j in range(n_directions)]
    ts = torch.linspace(0.0, radius, n_points, device=x.device)
    select = None
    rows = []
    for combo in combos:
        model = build_model(spec | combo, seed=seed_for(seed, 0)).to(x.device)
        for (n, p), (_, q) in zip(model.named_parameters(), reference.named_parameters()):
            if p.shape != q.shape or not torch.equal(p, q):
                raise ValueError(f"grid option(s) {keys} change the weights ({n}); only options such as slope "
                                 "and nu, which leave them unchanged, can be swept along one path")
        evaluator = PathEvaluator(model, x, names, batchnorm=batchnorm, chunk=chunk, targets=y)
        if select is None:
            g = torch.Generator().manual_seed(seed_for(seed, 0, 1))
            select = {n: sample_indices(evaluator.shapes[n], n_paths, g) for n in evaluator.layers}
        for j, d in enumerate(directions):
            rows.append(path_rows(evaluator, d, ts, select, j, **combo))
            if progress is not None:
                progress.update(1)
    return pd.concat(rows, ignore_index=True)


def varied_layers(model: nn.Module, layers: str | list[int]) -> list[int]:
    """Indices into ``model.layer_names``: ``all`` or an explicit list (negative indices count from the end)."""
    n = len(model.layer_names)
    if layers == "all":
        return list(range(n))
    out = []
    for k in layers:
        if not -n <= k < n:
            raise ValueError(f"varied layer {k} out of range: the model has layers 0..{n - 1}")
        out.append(k % n)
    return out


def layerwise_paths(model: nn.Module, x: torch.Tensor, *, layers: str | list[int], record: str | list,
                    n_directions: int, n_points: int, radius: float, max_paths_per_layer: int | None,
                    batchnorm: str = "batch", chunk: int | str = "auto", seed: int = 0,
                    progress=None) -> pd.DataFrame:
    """Paths of the ``record`` layer(s) when only layer k moves, for every varied layer k.

    Returns the columns of the ``paths`` table (direction, layer, layer_name, path_index, radius, values)
    plus ``varied_layer`` (index into ``model.layer_names``) and ``varied_layer_name``. ``progress`` (a
    :class:`netspectra.progress.Progress`, optional) advances by one per (direction, varied layer).
    """
    varied = varied_layers(model, layers)
    evaluator = PathEvaluator(model, x, resolve_layers(model, record), batchnorm=batchnorm, chunk=chunk)
    ts = torch.linspace(0.0, radius, n_points, device=x.device)
    rows = []
    for j in range(n_directions):
        select = selection(evaluator, max_paths_per_layer, seed, j)
        full = make_direction(model, "all", seed_for(seed, j, 2))
        for k in varied:
            direction = normalise({n: full[n] for n in select_parameters(model, f"layer:{k}")})
            rows.append(path_rows(evaluator, direction, ts, select, j,
                                  varied_layer=k, varied_layer_name=model.layer_names[k]))
            if progress is not None:
                progress.update(1)
    return pd.concat(rows, ignore_index=True)

"""Paths that move the weights of one layer at a time (Ringing ReLUs App. E, rr-fig15).

One random direction D over all parameters is drawn per direction index; for every varied layer k its
restriction to that layer's parameters (renormalised to unit norm) is walked, and the recorded layer's
outputs are evaluated along it with the batched path engine. The recorded (unit, position, image)
entries are the same for every k, so the paths of one entry differ only in which layer moves.
"""

from __future__ import annotations

import pandas as pd
import torch
from torch import nn

from .directions import make_direction, normalise, select_parameters
from .paths import PathEvaluator
from .sampling import path_rows, resolve_layers, selection
from .seeds import seed_for


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
                    batchnorm: str = "batch", chunk: int = 25, seed: int = 0) -> pd.DataFrame:
    """Paths of the ``record`` layer(s) when only layer k moves, for every varied layer k.

    Returns the columns of the ``paths`` table (direction, layer, layer_name, path_index, radius, values)
    plus ``varied_layer`` (index into ``model.layer_names``) and ``varied_layer_name``.
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
    return pd.concat(rows, ignore_index=True)

"""One path of one network while model options that leave the weights unchanged are swept (rr-fig1).

Ringing ReLUs Fig. 1 follows a single path W + t·D of a ResNet while the LeakyReLU negative ``slope``
(1 = linear, 0 = ReLU) and the shortcut weight ``nu`` (0 = no shortcut, 1 = ResNet) change. Neither
option is a parameter, so every grid point is the same weights W, the same direction D and the same
recorded output entries: only the function changes. Each grid point is one batched evaluation of all
path points (``PathEvaluator``); the grid itself (a few dozen models) is a loop.
"""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd
import torch

from .directions import make_direction
from .models import build_model
from .paths import PathEvaluator, sample_indices
from .sampling import resolve_layers
from .seeds import seed_for


def transition_paths(spec: dict[str, Any], grid: dict[str, list], x: torch.Tensor, y: torch.Tensor, *,
                     n_points: int, radius: float, layer: str | int, n_paths: int, batchnorm: str = "batch",
                     chunk: int = 25, seed: int = 0) -> pd.DataFrame:
    """Paths of ``n_paths`` entries of ``layer`` for every combination of the ``grid`` model options.

    ``spec`` is the model spec without the grid keys; ``grid`` maps model options that do not change the
    parameters (e.g. ``slope``, ``nu``) to their values. Returns one row per (grid point, path): the grid
    values, layer (index in ``layer_names``), layer_name, path_index (flat index into the layer's
    ``(B, C, H, W)`` output), radius and values (float32, ``n_points``).
    """
    keys = list(grid)
    combos = [dict(zip(keys, values)) for values in itertools.product(*(grid[k] for k in keys))]
    reference = build_model(spec | combos[0], seed=seed_for(seed, 0)).to(x.device)
    name = resolve_layers(reference, "last" if layer == "last" else [layer])[0]
    direction = make_direction(reference, "all", seed_for(seed, 0, 2), x, y)
    ts = torch.linspace(0.0, radius, n_points, device=x.device)
    select = None
    rows = []
    for combo in combos:
        model = build_model(spec | combo, seed=seed_for(seed, 0)).to(x.device)
        for (n, p), (_, q) in zip(model.named_parameters(), reference.named_parameters()):
            if p.shape != q.shape or not torch.equal(p, q):
                raise ValueError(f"grid option(s) {keys} change the weights ({n}); only options such as slope "
                                 "and nu, which leave them unchanged, can be swept along one path")
        evaluator = PathEvaluator(model, x, [name], batchnorm=batchnorm, chunk=chunk)
        if select is None:
            shape = evaluator.shapes[name]
            select = {name: sample_indices(shape, n_paths, torch.Generator().manual_seed(seed_for(seed, 0, 1)))}
        values = evaluator(direction, ts, select)[name].T.float().cpu().numpy()
        rows.append(pd.DataFrame(combo | {
            "layer": model.layer_names.index(name), "layer_name": name, "path_index": select[name].numpy(),
            "radius": float(radius), "values": list(values),
        }))
    return pd.concat(rows, ignore_index=True)

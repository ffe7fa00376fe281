"""The two branches of every residual block along random weight-space paths, correlated per frequency band
(:mod:`netspectra.papers.rr.bands`): Ringing ReLUs Sec. 3.5/4.4, frequency-dependent signal averaging."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch
from torch import nn

from netspectra.directions import make_direction
from netspectra.paths import PathEvaluator, sample_indices
from netspectra.seeds import seed_for

from .bands import band_centres, band_correlation

__all__ = ["branch_modules", "branch_correlation"]


def branch_modules(model: nn.Module) -> list[tuple[str, str, str]]:
    """(block, skip module, residual-branch module) of every residual block, input side first.

    The two summands just before each addition: the shortcut's output (``skip``, the block input or its
    subsampled, zero-padded version; recorded before the weight ν) and the residual branch's last module
    (v2: ``sum2`` after conv2; v1: ``bn2``, before the post-addition activation).
    """
    blocks = getattr(model, "blocks", None)
    if blocks is None:
        raise ValueError("branch correlation needs a ResNet (a model with residual `blocks`)")
    out = []
    for i, block in enumerate(blocks):
        if not block.shortcut:
            raise ValueError("branch correlation needs shortcuts (model option shortcut: true)")
        residual = "sum2" if block.version == 2 else "bn2"
        out.append((f"blocks.{i}", f"blocks.{i}.skip", f"blocks.{i}.{residual}"))
    return out


def branch_correlation(model: nn.Module, x: torch.Tensor, *, n_directions: int, n_points: int, radius: float,
                       output_fraction: float, filters: np.ndarray, batchnorm: str = "batch", chunk: int | str = "auto",
                       detrend: str = "none", window: str = "none", seed: int = 0,
                       progress=None) -> pd.DataFrame:
    """Band correlation between the two summands of every residual block along random paths.

    For each of ``n_directions`` directions over all weights, the same random ``output_fraction`` of
    (image, unit, position) entries of both summands of a block is sampled along t ∈ [0, radius]
    (``n_points`` points) and each entry's pair of paths is correlated per band. Returns one row per
    (direction, block, band): ``mean_abs_correlation`` and ``mean_correlation`` over the pairs with energy
    in that band, and ``n_pairs`` (how many). ``progress`` (a :class:`netspectra.progress.Progress`, optional)
    advances by one per direction.
    """
    if not 0 < output_fraction <= 1:
        raise ValueError(f"output_fraction must be in (0, 1], got {output_fraction}")
    triples = branch_modules(model)
    names = [n for _, skip, res in triples for n in (skip, res)]
    evaluator = PathEvaluator(model, x, names, batchnorm=batchnorm, chunk=chunk)
    shapes = evaluator.shapes
    ts = torch.linspace(0.0, radius, n_points, device=x.device)
    centres = band_centres(n_points, filters.shape[0])
    rows = []
    for j in range(n_directions):
        g = torch.Generator().manual_seed(seed_for(seed, j, 1))
        select = {}
        for _, skip, res in triples:
            n = math.prod(shapes[skip])
            # Same entries in both summands, so every path is paired with its counterpart.
            select[skip] = select[res] = sample_indices(shapes[skip], max(1, round(output_fraction * n)), g)
        out = evaluator(make_direction(model, "all", seed_for(seed, j, 2)), ts, select)
        for index, (block, skip, res) in enumerate(triples):
            corr = band_correlation(out[skip].T.double().cpu().numpy(), out[res].T.double().cpu().numpy(), filters,
                                    detrend=detrend, window=window)
            valid = ~np.isnan(corr)
            count = valid.sum(0)
            with np.errstate(invalid="ignore"):
                mean_abs = np.where(count > 0, np.nansum(np.abs(corr), 0) / np.maximum(count, 1), np.nan)
                mean = np.where(count > 0, np.nansum(corr, 0) / np.maximum(count, 1), np.nan)
            rows.append(pd.DataFrame({
                "direction": j, "block": index, "block_name": block, "band": np.arange(len(centres)),
                "band_centre_k": centres, "mean_abs_correlation": mean_abs, "mean_correlation": mean,
                "n_pairs": count.astype(np.int64),
            }))
        if progress is not None:
            progress.update(1)
    return pd.concat(rows, ignore_index=True)

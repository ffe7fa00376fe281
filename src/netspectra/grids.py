"""Input grids of the input-space experiments: the coordinates of an image's pixels."""

from __future__ import annotations

import numpy as np


def pixel_coordinates(height: int, width: int, low: float = 0.0, high: float = 1.0,
                      endpoint: bool = False) -> np.ndarray:
    """(H, W, 2) float64 coordinates (row, column) of every pixel, evenly spaced from ``low`` to ``high`` along
    each axis (``high`` itself included only with ``endpoint``): pixel (i, j) of a 0…1 grid sits at (i/H, j/W)."""
    rows = np.linspace(low, high, height, endpoint=endpoint)
    cols = np.linspace(low, high, width, endpoint=endpoint)
    return np.stack(np.meshgrid(rows, cols, indexing="ij"), axis=-1)

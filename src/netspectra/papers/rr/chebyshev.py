"""Chebyshev interpolation of activations (Ringing ReLUs Fig. 2, 18, 19)."""

from __future__ import annotations

import numpy as np
from numpy.polynomial import Chebyshev

COEFFICIENT_FLOOR = 1e-14  # |t_j| below this is zero up to rounding (e.g. odd coefficients of |x|-like functions)


def interval_label(lo: float, hi: float) -> str:
    """The ``interval`` column of the Chebyshev tables: ``[-5, 5]``."""
    return f"[{lo:g}, {hi:g}]"


def interpolant(activation: str, degree: int, interval: tuple[float, float], slope: float = 0.01) -> Chebyshev:
    """Degree-``degree`` interpolant at Chebyshev points of the first kind on ``interval``."""
    from netspectra.activations import as_numpy  # here: the figures and claims that import this need no torch

    return Chebyshev.interpolate(as_numpy(activation, slope), degree, domain=list(interval))


def coefficients(activation: str, degree: int, interval: tuple[float, float], slope: float = 0.01) -> np.ndarray:
    """Chebyshev coefficients t_0 … t_degree (basis mapped to ``interval``), shape (degree + 1,)."""
    return interpolant(activation, degree, interval, slope).coef

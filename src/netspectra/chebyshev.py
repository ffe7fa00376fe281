"""Chebyshev interpolation of activations (Ringing ReLUs Fig. 2, 18, 19)."""

from __future__ import annotations

import numpy as np
from numpy.polynomial import Chebyshev

from .activations import as_numpy


def interpolant(activation: str, degree: int, interval: tuple[float, float], slope: float = 0.01) -> Chebyshev:
    """Degree-``degree`` interpolant at Chebyshev points of the first kind on ``interval``."""
    return Chebyshev.interpolate(as_numpy(activation, slope), degree, domain=list(interval))


def coefficients(activation: str, degree: int, interval: tuple[float, float], slope: float = 0.01) -> np.ndarray:
    """Chebyshev coefficients t_0 … t_degree (basis mapped to ``interval``), shape (degree + 1,)."""
    return interpolant(activation, degree, interval, slope).coef

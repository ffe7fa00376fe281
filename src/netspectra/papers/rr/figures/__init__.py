"""Ringing ReLUs figures, each function drawing from DataFrames with the columns of the rr tables.

spectra.py: Chebyshev coefficients and per-layer, last-layer and h-versus-depth spectra, branch correlation;
paths.py: single paths (rr-fig1, rr-fig4, rr-fig15); training.py: accuracy curves and trainability heatmaps.
The catalogue (``netspectra.papers.rr.catalogue``) calls the functions named here.
"""

from .paths import (
    layerwise,
    loss_and_last_median_paths,
    median_paths,
    spectrum_label,
    transition_grid,
    transition_regimes,
)
from .spectra import (
    branch_correlation,
    chebyshev_approximations,
    chebyshev_coefficients,
    direction_panels,
    during_training,
    h_versus_depth,
    last_layer_spectra,
    layer_spectra,
)
from .training import trainability, training_curves

__all__ = [
    "branch_correlation", "chebyshev_approximations", "chebyshev_coefficients", "direction_panels",
    "during_training", "h_versus_depth", "last_layer_spectra", "layer_spectra", "layerwise",
    "loss_and_last_median_paths", "median_paths",
    "spectrum_label", "trainability", "training_curves", "transition_grid", "transition_regimes",
]

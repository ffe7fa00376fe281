"""Expected columns of every Parquet table the pipeline writes, defined once.

Each schema maps a required column to its kind: ``int``, ``float``, ``str``, ``bool`` or ``list``
(a list of floats per row). Tables may carry extra columns (for example the grid values of an
experiment variant: ``activation``, ``depth``, ``shortcut``); writers and tests check the required ones.
"""

from __future__ import annotations

import pandas as pd

LOSS = "loss"  # pseudo-layer of the loss path (paths/spectra/fits tables' layer_name): the batch's mean cross-entropy

SCHEMAS: dict[str, dict[str, str]] = {
    # --- rr (Ringing ReLUs, weight space) ---
    "chebyshev_coefficients": {
        "activation": "str", "interval": "str", "x_min": "float", "x_max": "float",
        "degree": "int", "order": "int", "coefficient": "float", "abs_coefficient": "float",
    },
    "chebyshev_approximation": {
        "activation": "str", "interval": "str", "x": "float", "value": "float", "approximation": "float",
    },
    "paths": {
        "experiment": "str", "variant": "str", "init": "int", "direction": "int", "layer": "int",
        "layer_name": "str", "path_index": "int", "radius": "float", "values": "list",
    },
    # power: the configured estimator (default the paper's plain DFT); power_detrended: the same paths linearly
    # detrended and Hann-windowed (spectra.ESTIMATORS["detrended"]), with the same normalisation and weighting
    "spectra": {
        "experiment": "str", "variant": "str", "init": "int", "direction": "int", "layer": "int",
        "layer_name": "str", "k": "int", "power": "float", "power_detrended": "float", "n_paths": "int",
    },
    # h of both estimators, and their floors: the h each gives the smoothest path it keeps (powerlaw.floor_h)
    # at the same path length and fit range; an h at its floor cannot be told from a straight line (parabola)
    "fits": {
        "experiment": "str", "variant": "str", "init": "int", "direction": "int", "layer": "int",
        "layer_name": "str", "h": "float", "intercept": "float", "r2": "float", "h_detrended": "float",
        "intercept_detrended": "float", "r2_detrended": "float", "h_floor": "float", "h_detrended_floor": "float",
        "k_min": "int", "k_max": "int",
    },
    # rr-fig1: paths per (slope, nu) grid point and direction with the power-law fits of their spectra
    "transition_paths": {
        "experiment": "str", "slope": "float", "nu": "float", "direction": "int", "layer": "int",
        "layer_name": "str", "path_index": "int", "radius": "float", "values": "list", "h": "float",
        "intercept": "float", "r2": "float", "h_detrended": "float", "intercept_detrended": "float",
        "r2_detrended": "float", "h_floor": "float", "h_detrended_floor": "float", "k_min": "int", "k_max": "int",
    },
    # rr-fig6: mean band correlation of the two summands of a residual block, per (direction, block, band)
    "branch_correlation": {
        "experiment": "str", "activation": "str", "direction": "int", "block": "int", "block_name": "str",
        "band": "int", "band_centre_k": "float", "mean_abs_correlation": "float", "mean_correlation": "float",
        "n_pairs": "int",
    },
    # --- rr training (issue: training stage) ---
    "training_metrics": {
        "training": "str", "job": "str", "label": "str", "member": "int", "run": "int", "seed": "int",
        "slope": "float", "epoch": "int", "step": "int", "epoch_progress": "float", "loss": "float",
        "train_accuracy": "float", "val_loss": "float", "val_accuracy": "float", "learning_rate": "float",
        "seconds": "float", "diverged": "bool", "data_source": "str",
    },
    # --- sb (spectral bias) ---
    "sb_spectrum": {  # |f̃(k_i)| of the network on its training grid, every record_every steps
        "run": "int", "replicate": "int", "step": "int", "k": "int", "amplitude": "float",
        "normalised_amplitude": "float", "loss": "float",
    },
    "sb_loss": {"run": "int", "replicate": "int", "step": "int", "loss": "float"},
    "sb_norms": {"run": "int", "replicate": "int", "step": "int", "layer": "int", "spectral_norm": "float"},
    "sb_snapshots": {"run": "int", "step": "int", "z": "float", "prediction": "float", "target": "float"},
    "sb_robustness": {
        "run": "int", "perturbation_size": "float", "k": "int", "mean_amplitude": "float",
        "relative_amplitude": "float",
    },
    "sb_accuracy": {
        "run": "int", "replicate": "int", "step": "int", "k": "int", "n_petals": "int", "accuracy": "float",
        "loss": "float",
    },
    "sb_decision_map": {"seed": "int", "x": "float", "y": "float", "logit": "float"},
    "sb_decision_data": {"z": "float", "x": "float", "y": "float", "label": "float"},
    "sb_decision_accuracy": {"seed": "int", "accuracy": "float", "loss": "float"},
    "sb_knn_accuracy": {
        "neighbours": "int", "k": "int", "n_petals": "int", "evaluation": "str", "accuracy": "float",
    },
    "sb_radial_spectrum": {"method": "str", "neighbours": "int", "radial_frequency": "float", "zeta": "float"},
    "sb_noise_loss": {"manifold": "str", "run": "int", "step": "int", "loss": "float"},
    "sb_classifier_metrics": {"epoch": "int", "step": "int", "loss": "float", "train_accuracy": "float"},
    "sb_path_stats": {
        "path": "int", "target": "int", "pair_kind": "str", "crosses": "bool", "linear_crosses": "bool",
        "length_ratio": "float", "min_probability": "float",
    },
    "sb_path_images": {
        "path": "int", "pair_kind": "str", "target": "int", "position": "int", "predicted": "int",
        "probability": "float", "channels": "int", "height": "int", "width": "int", "pixels": "list",
    },
    # --- fp (F-Principle) ---
    "fp_mnist": {
        "run": "str", "weight_std": "float", "bias_std": "float", "epoch": "int",
        "mean_abs_weight": "float", "std_abs_weight": "float", "mean_abs_bias": "float", "std_abs_bias": "float",
        "train_accuracy": "float", "test_accuracy": "float", "train_loss": "float", "test_loss": "float",
    },
    "fp_delta_f": {
        "run": "str", "weight_std": "float", "bias_std": "float", "step": "int", "frequency": "int",
        "delta_f": "float", "kind": "str",
    },
    "fp_spectra": {
        "run": "str", "step": "int", "frequency": "int", "target_amplitude": "float", "output_amplitude": "float",
        "is_peak": "bool",
    },
    "fp_losses": {"run": "str", "step": "int", "train_loss": "float", "test_loss": "float"},
    "fp_snapshots": {
        "run": "str", "step": "int", "row": "int", "col": "int", "value": "float", "target": "float", "train": "bool",
    },
    "fp_outputs": {"run": "str", "step": "int", "x": "float", "target": "float", "output": "float"},
    "fp_spectral_norms": {"run": "str", "step": "int", "layer": "int", "spectral_norm": "float"},
    # --- ff (Fourier features) ---
    "ff_image_psnr": {
        "image": "str", "kind": "str", "mapping": "str", "learning_rate": "float", "n_steps": "int",
        "n_features": "int", "train_psnr": "float", "test_psnr": "float",
    },
    "ff_image_curves": {"image": "str", "mapping": "str", "step": "int", "train_psnr": "float", "test_psnr": "float"},
    "ff_image_outputs": {"image": "str", "kind": "str", "mapping": "str", "size": "int", "values": "list"},
    "ff_ntk_kernels": {
        "kernel": "str", "exponent": "float", "kind": "str", "x1": "float", "x2": "float", "value": "float",
    },
    "ff_ntk_spectra": {"kernel": "str", "exponent": "float", "kind": "str", "frequency": "int", "magnitude": "float"},
    "ff_fit_curves": {
        "label": "str", "exponent": "float", "step": "int", "split": "str", "source": "str", "mse": "float",
    },
    "ff_fit_residuals": {
        "label": "str", "exponent": "float", "step": "int", "frequency": "int", "source": "str", "amplitude": "float",
    },
    "ff_fit_functions": {"label": "str", "exponent": "float", "x": "float", "value": "float", "train": "bool"},
    "ff_sparse_sweep": {
        "signal_exponent": "float", "signal": "int", "generator": "str", "scale": "float", "dense_exponent": "float",
        "frequency_rms": "float", "train_mse": "float", "test_mse": "float",
    },
    # --- report / claims ---
    # one row per checked claim; holds is NA (nullable boolean) where the claim was not or could not be checked
    "claims": {
        "figure": "str", "paper": "str", "claim": "str", "statistic": "str", "value": "float", "comparison": "str",
        "threshold": "float", "holds": "bool", "note": "str", "scale": "str",
    },
    # netspectra.roughness / `netspectra roughness`: h per layer of a user's model, with the estimator used and
    # its floor (the h of a smooth path at the same length and fit range)
    "roughness": {
        "model": "str", "layer": "int", "layer_name": "str", "h": "float", "h_std": "float", "intercept": "float",
        "r2": "float", "k_min": "int", "k_max": "int", "floor_h": "float", "estimator": "str", "n_paths": "int",
        "n_left_out": "int", "n_directions": "int", "n_points": "int", "radius": "float", "direction_kind": "str",
    },
    # `netspectra spectrum`: amplitude per input-space frequency of a user's model (netspectra.input_spectrum)
    "input_spectrum": {
        "model": "str", "k": "int", "amplitude": "float", "target_amplitude": "float", "normalised_amplitude": "float",
    },
}

_KIND_CHECKS = {
    "int": pd.api.types.is_integer_dtype,
    "float": pd.api.types.is_float_dtype,
    "str": lambda s: pd.api.types.is_string_dtype(s) or pd.api.types.is_object_dtype(s),
    "bool": pd.api.types.is_bool_dtype,
    "list": pd.api.types.is_object_dtype,
}


def check(df: pd.DataFrame, name: str) -> None:
    """Raise ValueError naming every missing or mistyped required column of schema ``name``."""
    if name not in SCHEMAS:
        raise KeyError(f"unknown schema {name!r}; known: {sorted(SCHEMAS)}")
    problems = []
    for column, kind in SCHEMAS[name].items():
        if column not in df.columns:
            problems.append(f"missing column {column!r} ({kind})")
        elif not _KIND_CHECKS[kind](df[column]):
            problems.append(f"column {column!r} has dtype {df[column].dtype}, expected {kind}")
    if problems:
        raise ValueError(f"table does not match schema {name!r}: " + "; ".join(problems))

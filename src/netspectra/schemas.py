"""Expected columns of every Parquet table the pipeline writes, defined once.

Each schema maps a required column to its kind: ``int``, ``float``, ``str``, ``bool`` or ``list``
(a list of floats per row). Tables may carry extra columns (for example the grid values of an
experiment variant: ``activation``, ``depth``, ``shortcut``); writers and tests check the required ones.
"""

from __future__ import annotations

import pandas as pd

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
    "spectra": {
        "experiment": "str", "variant": "str", "init": "int", "direction": "int", "layer": "int",
        "layer_name": "str", "k": "int", "power": "float", "n_paths": "int",
    },
    "fits": {
        "experiment": "str", "variant": "str", "init": "int", "direction": "int", "layer": "int",
        "layer_name": "str", "h": "float", "intercept": "float", "r2": "float", "k_min": "int", "k_max": "int",
    },
    # --- rr training (issue: training stage) ---
    # --- sb (spectral bias) ---
    # --- fp (F-Principle) ---
    # --- ff (Fourier features) ---
    # --- report / claims ---
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

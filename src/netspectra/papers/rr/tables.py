"""Views of the Ringing ReLUs tables that the figures and the claim checks share.

Grid values read off variant ids (sampling options such as the radius are not copied into spectra tables),
and the cells of rr-fig9 (training accuracy and h at init per ResNet version, shortcut, depth and slope).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

CELL_KEYS = ["version", "shortcut", "depth", "slope"]  # one rr-fig9 cell


def with_grid_column(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """``table`` with a float column ``key`` parsed from the variant ids (``radius-0.1_...``) when the
    table does not carry it (sampling options such as the radius are not copied into spectra tables)."""
    if key in table:
        return table
    values = table.variant.str.extract(rf"(?:^|_){key}-([-+0-9.eE]+)(?:_|$)", expand=False)
    if values.isna().any():
        raise ValueError(f"column {key!r} is neither in the table nor in every variant id")
    return table.assign(**{key: values.astype(float)})


def trainability_cells(metrics: pd.DataFrame, fits: pd.DataFrame, n_last: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """rr-fig9's cells: (accuracy, h), both with the columns :data:`CELL_KEYS`.

    ``accuracy``: ``train_accuracy``, the mean over runs of each run's last ``n_last`` logged training
    accuracies (a diverged run counts as NaN and is left out of the mean), and ``diverged`` (any run diverged).
    ``h``: the mean h of the last layer at init over initialisations and directions.
    """
    per_run = trailing_accuracy(metrics, CELL_KEYS + ["run"], n_last)
    accuracy = per_run.groupby(CELL_KEYS, as_index=False).agg(train_accuracy=("train_accuracy", "mean"),
                                                               diverged=("diverged", "any"))
    return accuracy, fits.groupby(CELL_KEYS, as_index=False).h.mean()


def trailing_accuracy(metrics: pd.DataFrame, keys: Sequence[str], n_last: int = 25) -> pd.DataFrame:
    """Mean of the last ``n_last`` logged training accuracies of every run (rows grouped by ``keys``).

    Returns ``keys`` + ``train_accuracy`` (NaN for a diverged run) and ``diverged``.
    """
    metrics = metrics.sort_values("step")
    grouped = metrics.groupby(list(keys), sort=True, dropna=False)
    out = grouped.agg(diverged=("diverged", "any"))
    out["train_accuracy"] = grouped.train_accuracy.apply(lambda a: a.dropna().tail(n_last).mean())
    out.loc[out.diverged, "train_accuracy"] = np.nan
    return out.reset_index()

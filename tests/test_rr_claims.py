"""Ringing ReLUs claim checks on small synthetic tables: each holds where the data follow the paper and fails
where they don't."""

import numpy as np
import pandas as pd
import pytest

from netspectra.papers.rr import chebyshev, claims, tables


def holds(rows, claim_start=""):
    return [r["holds"] for r in rows if (r["claim"] or "").startswith(claim_start)]


def spectra_table(h_of_layer, keys):
    """Power spectra P(k) = k^(−2h) (magnitude ~ k^−h) per layer, for each combination in ``keys``."""
    k = np.arange(1, 33)
    rows = []
    for values in keys:
        for layer, h in h_of_layer(values).items():
            rows.append(pd.DataFrame(values | {"layer": layer, "k": k, "power": k ** (-2.0 * h), "init": 0}))
    return pd.concat(rows, ignore_index=True)


def test_layer_h_and_blueshift_recover_the_exponent():
    s = spectra_table(lambda v: {1: 1.0, 2: 0.8, 3: 0.5}, [{"activation": "relu"}])
    h = claims.layer_h(s, ["activation"])
    assert np.allclose(h.h, [1.0, 0.8, 0.5])
    assert claims.blueshift(s, ["activation"])["relu"] == pytest.approx(0.5)


def test_rr_fig3_orders_activations_and_sees_shortcuts_damp():
    depth_h = {"relu": 0.4, "tanh": 0.6, "softplus": 0.8}

    def h_of(v):  # without shortcuts h falls with depth to depth_h[activation]; with shortcuts it stays ~1
        end = 1.0 if v["shortcut"] else depth_h[v["activation"]]
        return {layer: 1.0 + (end - 1.0) * (layer - 1) / 4 for layer in range(1, 6)}

    grid = [{"activation": a, "shortcut": s} for a in depth_h for s in (False, True)]
    a = spectra_table(h_of, grid)
    rows = claims.rr_fig3({"a": a, "b": a}, {})
    assert all(holds(rows)), rows
    depth_h.update(relu=0.9)  # ReLU now the smoothest: the order claim must fail
    rows = claims.rr_fig3({"a": spectra_table(h_of, grid)}, {})
    assert holds(rows, "(a) blueshift ReLU") == [False]


def fits_table(h_of_depth):
    rows = [{"activation": a, "shortcut": s, "depth": d, "init": i, "h": h_of_depth(a, s, d) + 0.01 * i}
            for a in ("relu", "tanh") for s in (False, True) for d in (2, 10, 20) for i in range(2)]
    return pd.DataFrame(rows)


def test_rr_fig5_h_falling_with_depth_holds_and_rising_fails():
    falling = fits_table(lambda a, s, d: 1.0 if s else 1.0 - d / 40)
    assert all(holds(claims.rr_fig5({"fits": falling}, {})))
    rising = fits_table(lambda a, s, d: 0.5 if s else 0.5 + d / 40)
    assert holds(claims.rr_fig5({"fits": rising}, {})) == [False, False]
    single_depth = falling[falling.depth == 2]
    assert holds(claims.rr_fig5({"fits": single_depth}, {}))[0] is pd.NA


def chebyshev_table(activations, interval=(-5.0, 5.0), degree=25):
    rows = []
    for name in activations:
        c = chebyshev.coefficients(name, degree, interval)
        rows.append(pd.DataFrame({"activation": name, "interval": str(list(interval)), "x_min": interval[0],
                                  "x_max": interval[1], "degree": degree, "order": np.arange(degree + 1),
                                  "coefficient": c, "abs_coefficient": np.abs(c)}))
    return pd.concat(rows, ignore_index=True)


def test_chebyshev_decay_order_is_a_property_of_the_activations():
    coefs = chebyshev_table(["relu", "tanh", "softplus", "hardtanh", "sigmoid"])
    assert holds(claims.rr_fig2({"input": coefs}, {})) == [True]
    assert holds(claims.rr_fig19({"input": coefs}, {"interval": [-5.0, 5.0]})) == [True]
    swapped = coefs.replace({"activation": {"relu": "softplus", "softplus": "relu"}})
    assert holds(claims.rr_fig2({"input": swapped}, {})) == [False]


def training_metrics():
    """Two runs per cell (version 1, shortcut?, depth, slope 0); accuracy falls with depth without shortcuts. The
    second run of the deep no-shortcut cell diverges."""
    rows = []
    for shortcut in (False, True):
        for depth in (8, 14, 20):
            for run in range(2):
                diverged = not shortcut and depth == 20 and run == 1
                accuracy = 0.9 if shortcut else 1.0 - depth / 40
                rows += [{"version": 1, "shortcut": shortcut, "depth": depth, "slope": 0.0, "run": run, "step": s,
                          "train_accuracy": accuracy + 0.01 * run, "diverged": diverged} for s in range(4)]
    return pd.DataFrame(rows)


def test_rr_fig9_cells_are_shared_by_figure_and_check():
    metrics = training_metrics()
    fits = metrics[["version", "shortcut", "depth", "slope"]].drop_duplicates().assign(
        h=lambda d: np.where(d.shortcut, 1.0, 1.0 - d.depth / 40))
    accuracy, h = tables.trainability_cells(metrics, fits, n_last=2)
    deep = accuracy[~accuracy.shortcut & (accuracy.depth == 20)].iloc[0]
    assert deep.diverged and deep.train_accuracy == pytest.approx(0.5)  # the diverged run is left out
    assert not accuracy[accuracy.depth == 8].diverged.any()
    assert len(h) == 6
    assert holds(claims.rr_fig9({"metrics": metrics, "fits": fits}, {"n_last_logged": 2})) == [True, True]

"""Ringing ReLUs claim checks on small synthetic tables: each holds where the data follow the paper and fails
where they don't."""

import numpy as np
import pandas as pd
import pytest

from netspectra.papers.rr import bands, chebyshev, claims, tables


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
    assert holds(rows, "(a) shortcuts damp") == [False]  # ReLU's Δh 0.1 − 0: below the margin


def test_rr_fig3_softplus_is_reported_not_tested():
    depth_h = {"relu": 0.4, "tanh": 0.6, "softplus": 1.0}  # softplus: no blueshift, no damping to see

    def h_of(v):
        end = 1.0 if v["shortcut"] else depth_h[v["activation"]]
        return {layer: 1.0 + (end - 1.0) * (layer - 1) / 4 for layer in range(1, 6)}

    grid = [{"activation": a, "shortcut": s} for a in depth_h for s in (False, True)]
    rows = claims.rr_fig3({"a": spectra_table(h_of, grid)}, {})
    damp = [r for r in rows if r["claim"].startswith("(a) shortcuts damp")][0]
    assert damp["holds"] and "softplus 0" in damp["note"]


def fits_table(h_of_depth, depths=(2, 10, 20, 40, 60), activations=("relu", "tanh"), delta=None):
    """Loss-path fits per (activation, shortcut, depth, init); ``delta``: h of delta-orthogonal nets by depth."""
    rows = [{"activation": a, "shortcut": s, "depth": d, "init": i, "layer_name": "loss", "init_scheme": "kaiming",
             "h": h_of_depth(a, s, d) + 0.01 * i}
            for a in activations for s in (False, True) for d in depths for i in range(2)]
    if delta is not None:
        rows += [{"activation": a, "shortcut": False, "depth": d, "init": 0, "layer_name": "loss",
                  "init_scheme": "delta_orthogonal", "h": delta(d)} for a in activations for d in depths]
    return pd.DataFrame(rows)


def rise_then_fall(a, s, d):
    """The paper's shape: without shortcuts h rises to depth 10, then falls; with shortcuts it stays at 1."""
    return 1.0 if s else {2: 1.0, 10: 1.2, 20: 1.0, 40: 0.4, 60: 0.1}[d]


def test_rr_fig5_h_falling_after_the_peak_holds():
    rows = claims.rr_fig5({"fits": fits_table(rise_then_fall, delta=lambda d: 1.0 - d / 80)}, {})
    assert all(holds(rows)), rows
    assert len(holds(rows, "h of the loss path falls")) == 2  # one row per activation


def test_rr_fig5_rising_h_fails_and_each_activation_answers_for_itself():
    rising = fits_table(lambda a, s, d: 0.5 if s else 0.5 + d / 100, delta=lambda d: 0.5 + d / 100)
    rows = claims.rr_fig5({"fits": rising}, {})
    assert not [h for h in holds(rows) if h is True], rows  # the after-peak ρ is NA: h peaks at the largest depth
    # tanh falls, ReLU stays flat: only ReLU's rows fail
    mixed = fits_table(lambda a, s, d: 1.0 if s or a == "relu" else rise_then_fall(a, s, d))
    rows = claims.rr_fig5({"fits": mixed}, {})
    assert holds(rows, "h of the loss path falls with depth without shortcuts (tanh)") == [True]
    assert holds(rows, "h of the loss path falls with depth without shortcuts (relu)") == [False]
    single_depth = fits_table(rise_then_fall, depths=(2,))
    assert holds(claims.rr_fig5({"fits": single_depth}, {}), "after the initial rise")[0] is pd.NA


def test_rr_fig5_only_a_fall_after_the_peak_counts():
    # h still rising at the largest depth: no depths after the peak to fall over
    rows = claims.rr_fig5({"fits": fits_table(lambda a, s, d: 1.0 + d / 100)}, {})
    assert all(h is pd.NA for h in holds(rows, "after the initial rise"))


def transition_table(h_of):
    rows = [{"slope": slope, "nu": nu, "direction": d, "layer": 11, "layer_name": "loss", "h": h_of(slope, nu),
             "h_detrended": 3.0, "h_floor": 0.97} for slope in (0.0, 0.5, 1.0) for nu in (0.0, 0.5, 1.0)
            for d in range(2)]
    return pd.DataFrame(rows)


def test_rr_fig1_sees_harmonics_appear_and_damp_and_fails_on_flat_h():
    # ReLU without shortcut rough (0.2); linear or ResNet at the line's h
    paper = transition_table(lambda slope, nu: 0.2 + 0.8 * max(slope, nu))
    assert holds(claims.rr_fig1({"input": paper}, {})) == [True, True]
    flat = transition_table(lambda slope, nu: 0.97)
    assert holds(claims.rr_fig1({"input": flat}, {})) == [False, False]


def loss_fits(h):
    """rr-fig4 loss-path fits: ``h[(activation, shortcut)]`` for 5 directions each (± 0.01)."""
    return pd.DataFrame([{"activation": a, "shortcut": s, "direction": d, "layer_name": "loss", "layer": 28,
                          "h": value + 0.01 * (d - 2), "h_detrended": 3.0, "h_floor": 0.97}
                         for (a, s), value in h.items() for d in range(5)])


def test_rr_fig4_linear_at_the_floor_nonlinear_rough_shortcuts_damp():
    paper = {("linear", False): 0.97, ("relu", False): 0.1, ("tanh", False): 0.5, ("softplus", False): 0.97,
             ("linear", True): 0.97, ("relu", True): 1.0, ("tanh", True): 0.9, ("softplus", True): 0.97}
    rows = claims.rr_fig4({"fits": loss_fits(paper)}, {})
    assert holds(rows) == [True, True, True, True]
    # tanh as rough with shortcuts as without: only tanh's damping row fails; softplus is not tested
    rows = claims.rr_fig4({"fits": loss_fits(paper | {("tanh", True): 0.5})}, {})
    assert holds(rows, "shortcuts damp the blueshift (tanh)") == [False]
    assert holds(rows, "shortcuts damp the blueshift (relu)") == [True]
    # every network at the floor: nothing blueshifts
    rows = claims.rr_fig4({"fits": loss_fits({k: 0.97 for k in paper})}, {})
    assert holds(rows) == [True, False, False, False]


def correlation_table(excess_of):
    """rr-fig6 table whose mean |r| is the white-noise floor plus ``excess_of[activation](band)``."""
    n_points, n_bins = 100, 10
    filters = bands.gaussian_bands(n_points, n_bins, 0.5)
    floor = bands.independent_floor(filters, n_points, detrend="linear", window="hann")
    centres = bands.band_centres(n_points, n_bins)
    rows = [{"activation": a, "direction": 0, "block": 0, "band": b, "band_centre_k": centres[b],
             "mean_abs_correlation": floor[b] + f(b), "n_pairs": 100}
            for a, f in excess_of.items() for b in range(n_bins)]
    params = {"n_points": n_points, "n_bins": n_bins, "band_width": 0.5, "detrend": "linear", "window": "hann"}
    return pd.DataFrame(rows), params


def test_rr_fig6_excess_over_the_noise_floor_decays_fastest_for_relu():
    table, params = correlation_table({"relu": lambda b: 0.3 * 0.3**b, "tanh": lambda b: 0.4 * 0.7**b,
                                       "softplus": lambda b: 0.5 * 0.6**b})
    assert holds(claims.rr_fig6({"input": table}, params)) == [True, True]
    # ReLU decays slowest: the second claim fails
    table, params = correlation_table({"relu": lambda b: 0.4 * 0.8**b, "tanh": lambda b: 0.4 * 0.5**b})
    assert holds(claims.rr_fig6({"input": table}, params)) == [True, False]
    # at the floor in every band (the old ratio test read noise as correlation): no decay
    table, params = correlation_table({"relu": lambda b: 0.0, "tanh": lambda b: 0.0})
    assert holds(claims.rr_fig6({"input": table}, params))[0] is False


def test_rr_fig7_compares_the_detrended_high_frequency_share():
    k = np.arange(1, 51)
    rows = [pd.DataFrame({"version": v, "layer": 28, "k": k, "power": k**-2.0,
                          "power_detrended": np.where(k > 25, high, 1.0) * k**-4.0})
            for v, high in ((1, 2.0), (2, 1.0))]
    assert holds(claims.rr_fig7({"input": pd.concat(rows)}, {})) == [True]
    rows = [r.assign(version=3 - r.version.iloc[0]) for r in rows]  # v2 now the rougher one
    assert holds(claims.rr_fig7({"input": pd.concat(rows)}, {})) == [False]


def test_rr_fig11_weaker_after_training_and_visible_further_out():
    panels = {"a": [{"experiment": "near0", "epoch": 0}, {"experiment": "near4", "epoch": 4}],
              "b": [{"experiment": "far0", "epoch": 0}, {"experiment": "far4", "epoch": 4}]}
    end = {"near0": 0.4, "near4": 0.8, "far0": 0.3, "far4": 0.5}  # h of the last layer (first: 1.0)

    def table(experiments):
        keys = [{"experiment": e, "activation": a, "shortcut": False} for e in experiments for a in ("relu", "tanh")]
        return spectra_table(lambda v: {1: 1.0, 2: (1.0 + end[v["experiment"]]) / 2, 3: end[v["experiment"]]}, keys)

    tables = {"a": table(["near0", "near4"]), "b": table(["far0", "far4"])}
    assert all(holds(claims.rr_fig11(tables, {"panels": panels})))
    end.update(near4=0.3, far4=0.95)  # rougher after training, and smooth further out: both claims fail
    tables = {"a": table(["near0", "near4"]), "b": table(["far0", "far4"])}
    assert not any(holds(claims.rr_fig11(tables, {"panels": panels})))


def radius_table(shift_of_radius):
    keys = [{"variant": f"radius-{r}"} for r in shift_of_radius]
    return spectra_table(lambda v: {1: 1.0, 2: 1.0 - shift_of_radius[float(v["variant"][7:])]}, keys)


def test_rr_fig12_no_blueshift_near_init_that_returns_further_out():
    assert holds(claims.rr_fig12({"input": radius_table({0.01: -0.05, 1.0: 0.1, 10.0: 0.5})}, {})) == [True, True]
    # blueshift already at the smallest radius (the grey-digit artefact): the first claim fails
    assert holds(claims.rr_fig12({"input": radius_table({0.01: 0.4, 10.0: 0.5})}, {})) == [False, False]


def test_rr_fig13_and_fig17_need_a_blueshift_beyond_the_margin():
    keys = [{"activation": a, "shortcut": False} for a in ("relu", "tanh", "softplus")]
    shifts = {"relu": 0.8, "tanh": 0.5, "softplus": 0.0}

    def table():
        return spectra_table(lambda v: {1: 1.0, 2: 1.0 - shifts[v["activation"]]}, keys).assign(
            power_detrended=lambda d: d.power)

    assert holds(claims.rr_fig13({"input": table()}, {})) == [True]  # softplus reported, not tested
    rows = claims.rr_fig17({"input": table()}, {})  # one row per activation
    assert {r["claim"]: r["holds"] for r in rows} == {"relu blueshifts": True, "tanh blueshifts": True,
                                                      "softplus blueshifts": False}
    shifts.update(tanh=0.1)
    assert holds(claims.rr_fig13({"input": table()}, {})) == [False]


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
    # h rising with depth where accuracy falls: a low h does not go with poor training
    rising = fits.assign(h=lambda d: np.where(d.shortcut, 1.0, 0.5 + d.depth / 40))
    assert holds(claims.rr_fig9({"metrics": metrics, "fits": rising}, {"n_last_logged": 2})) == [False, True]

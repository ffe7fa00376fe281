"""Claim checks on small synthetic tables: each holds where the data follow the paper and fails where they don't."""

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netspectra import chebyshev, claims, schemas

CATALOGUE = Path(__file__).resolve().parents[2] / "shared" / "EXPERIMENTS.md"


def holds(rows, claim_start=""):
    return [r["holds"] for r in rows if r["claim"].startswith(claim_start)]


def catalogue_ids(text: str) -> set[str]:
    """Figure ids of the catalogue's tables; a first cell may name several ("rr-fig2 / fig18 / fig19", "sb-fig8/9",
    "rr-fig5 (+fig16 MNIST)")."""
    ids = set()
    for cell, prefix in re.findall(r"^\| (((?:rr|sb|fp|ff))-fig[^|]*)\|", text, flags=re.M):
        ids |= {f"{prefix}-fig{a or b}" for a, b in re.findall(r"fig(\d+)|/(\d+)", cell)}
    return ids


def test_every_catalogue_figure_has_a_check_and_a_claim():
    assert set(claims.CHECKS) == set(claims.FIGURE_IDS) == set(claims.CLAIMS)
    assert len(claims.FIGURE_IDS) == 40
    if not CATALOGUE.exists():
        pytest.skip(f"catalogue not found at {CATALOGUE}")
    assert catalogue_ids(CATALOGUE.read_text()) == set(claims.FIGURE_IDS)


def test_check_compares_and_leaves_nan_undecided():
    assert claims.check("c", "s", 0.7, ">", 0.5)["holds"] is True
    assert claims.check("c", "s", 0.3, ">", 0.5)["holds"] is False
    assert claims.check("c", "s", -1.0, "<", -0.5)["holds"] is True
    row = claims.check("c", "s", math.nan, ">", 0.5)
    assert row["holds"] is pd.NA and row["note"]


def test_order_margin_is_positive_only_in_the_expected_order():
    assert claims.order_margin({"a": 3, "b": 2, "c": 0}, ["a", "b", "c"]) == 1
    assert claims.order_margin({"a": 3, "b": 4, "c": 0}, ["a", "b", "c"]) == -1
    assert claims.order_margin({"a": 3, "c": 0}, ["a", "b", "c"]) == 3  # absent entries are skipped
    assert math.isnan(claims.order_margin({"a": 3}, ["a", "b"]))


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


def spectrum_table(learnt_at):
    """sb_spectrum rows: |f̃(k)|/A rises from 0 to 1 around step learnt_at[k], for two settings."""
    steps = np.arange(0, 1001, 50)
    rows = [pd.DataFrame({"setting": s, "replicate": 0, "run": 0, "step": steps, "k": k,
                          "normalised_amplitude": 1 / (1 + np.exp(-(steps - t) / 30))})
            for s in ("equal", "increasing") for k, t in learnt_at.items()]
    return pd.concat(rows, ignore_index=True)


def norms_table(growth):
    steps = np.arange(0, 1001, 50)
    return pd.DataFrame([{"setting": "equal", "run": 0, "step": st, "layer": layer,
                          "spectral_norm": 1 + growth * st / 1000} for st in steps for layer in range(3)])


def test_sb_fig1_low_frequencies_first():
    low_first = spectrum_table({5: 100, 10: 300, 15: 600, 20: 5000})  # k = 20 never learnt
    rows = claims.sb_fig1({"spectrum": low_first, "norms": norms_table(0.5)}, {})
    assert holds(rows) == [True, True]
    high_first = spectrum_table({5: 600, 10: 300, 15: 100, 20: 50})
    rows = claims.sb_fig1({"spectrum": high_first, "norms": norms_table(-0.5)}, {})
    assert holds(rows) == [False, False]


def test_fp_peak_order_and_weight_change():
    steps = np.arange(0, 500, 20)
    delta = pd.concat([pd.DataFrame({"run": "w0.1_b0.1", "step": steps, "frequency": f,
                                     "delta_f": np.exp(-steps / (50 * f))}) for f in (1, 3, 6, 9)])
    assert claims._peak_order(delta) == pytest.approx(1.0)
    assert claims._peak_order(delta.assign(frequency=10 - delta.frequency)) == pytest.approx(-1.0)
    mnist = pd.DataFrame({"run": ["a", "a", "b", "b"], "epoch": [0, 5, 0, 5],
                          "mean_abs_weight": [1.0, 1.02, 0.5, 0.51]})
    assert holds(claims.fp_fig1({"mnist": mnist}, {})) == [True]
    mnist.loc[3, "mean_abs_weight"] = 1.0
    assert holds(claims.fp_fig1({"mnist": mnist}, {})) == [False]


def test_ff_fig1_psnr_order():
    def psnr(values):
        return pd.DataFrame([{"image": img, "mapping": m, "test_psnr": v + i}
                             for i, img in enumerate(["a", "b"]) for m, v in values.items()])

    good = psnr({"none": 15, "basic": 18, "positional": 24, "gaussian": 25})
    assert holds(claims.ff_fig1({"psnr": good}, {})) == [True]
    bad = psnr({"none": 15, "basic": 26, "positional": 24, "gaussian": 25})
    assert holds(claims.ff_fig1({"psnr": bad}, {})) == [False]


def test_grid_value_read_from_the_variant_id():
    s = pd.DataFrame({"variant": ["radius-0.1", "radius-10.0_width-4"]})
    assert claims.with_grid_column(s, "radius").radius.tolist() == [0.1, 10.0]


def test_table_matches_its_schema_and_renders():
    rows = claims.evaluate("ff-fig1", {"psnr": pd.DataFrame({"image": "a", "mapping": ["none", "gaussian"],
                                                             "test_psnr": [10.0, 20.0]})})
    rows.append(claims.not_evaluated("rr-fig10", "disabled at this scale"))
    table = claims.claims_table(rows, "quick")
    schemas.check(table, "claims")
    assert table.holds.tolist()[0] is True and table.holds.isna().tolist() == [False, True]
    page = claims.to_html(table, "claims")
    assert "ff-fig1" in page and "rr-fig10" in page and "disabled at this scale" in page
    assert page.count("<tr") == 1 + 1 + 2  # a header per paper + two rows

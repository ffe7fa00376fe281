"""Claim checks of Ringing ReLUs: one function per figure id, ``(tables, params) -> rows``.

Shared conventions: "blueshift" of a network is ``Δh = h(first recorded layer) − h(last layer)`` (a deep
layer that is rougher than a shallow one has a smaller h, so Δh > 0); h is fitted, as the ``fits`` rule does,
on the square root of the power spectrum averaged over initialisations and directions, k = 1 … n_points/4.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from netspectra import powerlaw
from netspectra.claims import (
    INCREASING,
    Row,
    Tables,
    check,
    order_margin,
    per,
    spearman,
)

from .chebyshev import COEFFICIENT_FLOOR
from .tables import CELL_KEYS, trainability_cells, with_grid_column


def layer_h(spectra: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """h of the spectrum averaged over everything but ``keys`` + layer: columns keys + layer + h."""
    mean = spectra.groupby(list(keys) + ["layer", "k"], dropna=False).power.mean().unstack("k")
    k = mean.columns.to_numpy()
    fit = powerlaw.fit(k, np.sqrt(mean.to_numpy()), 1, powerlaw.default_k_max(2 * int(np.max(k))))
    return mean.index.to_frame(index=False).assign(h=fit["h"])


def centroids(spectra: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Power-weighted mean frequency Σ k·P / Σ P of the averaged spectrum: columns keys + layer + centroid."""
    mean = spectra.groupby(list(keys) + ["layer", "k"], dropna=False).power.mean().reset_index()
    mean["kp"] = mean.k * mean.power
    out = mean.groupby(list(keys) + ["layer"], dropna=False)[["kp", "power"]].sum().reset_index()
    return out.assign(centroid=out.kp / out.power).drop(columns=["kp", "power"])


def blueshift(spectra: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """Δh = h(first recorded layer) − h(last layer), indexed by ``keys``."""
    h = layer_h(spectra, keys).sort_values("layer")
    grouped = h.groupby(list(keys), dropna=False).h
    return grouped.first() - grouped.last()


def no_shortcut(df: pd.DataFrame) -> pd.DataFrame:
    return df[~df.shortcut.astype(bool)] if "shortcut" in df else df


RR_ORDER = ("relu", "tanh", "softplus")  # most to least blueshift (slowest to fastest coefficient decay)
KINKED = ("relu", "leaky_relu", "hardtanh", "selu")  # a jump in the derivative: coefficients ~ j^-2
SMOOTH = ("tanh", "softplus", "sigmoid", "gelu")  # analytic in a strip: geometric decay


def _interval(df: pd.DataFrame, interval) -> pd.DataFrame:
    if interval is None:
        return df
    lo, hi = interval
    return df[np.isclose(df.x_min, lo) & np.isclose(df.x_max, hi)] if "x_min" in df else df


def chebyshev_tails(coefs: pd.DataFrame) -> pd.DataFrame:
    """Mean log10 |t_j| over the upper half of the orders (j > degree/2), per interval × activation."""
    c = coefs[(coefs.abs_coefficient > COEFFICIENT_FLOOR) & (coefs.order > coefs.degree / 2)]
    return c.assign(log=np.log10(c.abs_coefficient)).groupby(["interval", "activation"]).log.mean().unstack()


def rr_fig2(t: Tables, p: dict) -> list[Row]:
    tails = chebyshev_tails(t["input"])
    margin = min((order_margin(row.to_dict(), RR_ORDER) for _, row in tails.iterrows()), default=math.nan)
    return [check(None, "smallest gap in mean log10|t_j| (orders j > degree/2) between adjacent "
                  "activations of the order ReLU > tanh > softplus, over the intervals [decades]", margin, ">", 0.0)]


def rr_fig18(t: Tables, p: dict) -> list[Row]:
    a = t["input"]
    if p.get("interval") is not None:
        lo, hi = p["interval"]
        spans = a.groupby("interval").x.agg(["min", "max"])
        a = a[a.interval.isin(spans[np.isclose(spans["min"], lo) & np.isclose(spans["max"], hi)].index)]
    err = (a.value - a.approximation).abs().groupby(a.activation).max()
    margin = order_margin(np.log10(err.clip(lower=1e-300)).to_dict(), RR_ORDER)
    return [check(None, "smallest log10 ratio of the max interpolation error between adjacent "
                  "activations of the order ReLU > tanh > softplus [decades]", margin, ">", 0.0)]


def rr_fig19(t: Tables, p: dict) -> list[Row]:
    tails = chebyshev_tails(_interval(t["input"], p.get("interval")))
    kinked = tails[[a for a in KINKED if a in tails]].min(axis=1)
    smooth = tails[[a for a in SMOOTH if a in tails]].max(axis=1)
    value = (kinked - smooth).min() if len(tails) and kinked.notna().any() and smooth.notna().any() else math.nan
    return [check(None, "min over kinked (ReLU, LeakyReLU, HardTanh, SELU) minus max over smooth "
                  "(tanh, softplus, sigmoid, GELU) of the mean log10|t_j|, j > degree/2 [decades]", value, ">", 0.0,
                  "ELU (continuous derivative, j^-3 decay) sits between the groups and is left out")]


def rr_fig1(t: Tables, p: dict) -> list[Row]:
    d = t["input"]
    d = d[d.layer == d.layer.max()]
    at_nu0 = d[np.isclose(d.nu, d.nu.min())]
    at_slope0 = d[np.isclose(d.slope, d.slope.min())]
    return [
        check("harmonics appear as the LeakyReLU slope goes to 0 (ν = 0)", "Spearman ρ(slope, h of the path) at the "
              "smallest ν", spearman(at_nu0.slope, at_nu0.h), ">", INCREASING),
        check("harmonics are damped as the residual weight ν goes to 1 (slope 0)", "Spearman ρ(ν, h of the path) at "
              "the smallest slope", spearman(at_slope0.nu, at_slope0.h), ">", INCREASING),
    ]


def rr_fig3(t: Tables, p: dict) -> list[Row]:
    rows = []
    for panel, what in (("a", "all-layer direction, path-normalised"), ("b", "first-layer direction, k²-weighted")):
        if panel not in t:
            continue
        c = centroids(no_shortcut(t[panel]), ["activation"])
        rho = c.groupby("activation")[["layer", "centroid"]].apply(lambda g: spearman(g.layer, g.centroid))
        rows.append(check(f"({panel}) the spectral bump travels to higher k with depth (no shortcuts, {what})",
                          "min over activations of Spearman ρ(layer, power-weighted mean k)", rho.min(), ">",
                          INCREASING, per(rho, "activation")))
    a = t["a"]
    shift = blueshift(a, ["activation", "shortcut"]).unstack("shortcut")
    if False in shift:
        rows.append(check("(a) blueshift ReLU > tanh > softplus (no shortcuts)", "smallest gap in Δh = h(first) − "
                          "h(last layer) between adjacent activations of that order",
                          order_margin(shift[False].to_dict(), RR_ORDER), ">", 0.0, "Δh " + per(shift[False])))
    if False in shift and True in shift:
        rows.append(check("(a) shortcuts damp the blueshift (keep ~1/k in all layers)", "min over activations of "
                          "Δh(no shortcut) − Δh(shortcut)", (shift[False] - shift[True]).min(), ">", 0.0,
                          per(shift[False] - shift[True], "activation")))
    return rows


def rr_fig4(t: Tables, p: dict) -> list[Row]:
    fits = t["fits"]
    h = fits.groupby(["activation", "shortcut"]).h.median().unstack("shortcut")
    nonlinear = [a for a in h.index if a != "linear"]
    rows = []
    if True in h and False in h:
        note = "median h (no shortcut / shortcut): " + "; ".join(
            f"{a} {h.loc[a, False]:.3g} / {h.loc[a, True]:.3g}" for a in h.index)
        rows.append(check("shortcuts damp the blueshift of nonlinear networks", "min over nonlinear activations of "
                          "median h(shortcut) − median h(no shortcut), last layer",
                          (h.loc[nonlinear, True] - h.loc[nonlinear, False]).min(), ">", 0.0, note))
    if "linear" in h.index and False in h:
        rows.append(check("a linear network shows no blueshift: smoother than every nonlinear one (no shortcuts)",
                          "median h(linear) − max over nonlinear activations of median h, no shortcut",
                          h.loc["linear", False] - h.loc[nonlinear, False].max(), ">", 0.0,
                          "median h, no shortcut: " + per(h[False])))
    return rows


def _h_vs_depth(fits: pd.DataFrame) -> list[Row]:
    fits = fits.copy()
    fits["init_scheme"] = fits["init_scheme"].fillna("default") if "init_scheme" in fits else "default"
    mean = fits.groupby(["activation", "shortcut", "init_scheme", "depth"]).h.mean().reset_index()
    plain = no_shortcut(mean)
    rho = plain.groupby(["activation", "init_scheme"])[["depth", "h"]].apply(lambda g: spearman(g.depth, g.h))
    deepest = mean[(mean.depth == mean.depth.max()) & (mean.init_scheme == "default")]
    gap = deepest.pivot_table(index="activation", columns="shortcut", values="h")
    smooth = (gap[True] - gap[False]).min() if {True, False} <= set(gap.columns) else math.nan
    return [
        check("h of the last layer falls with depth without shortcuts", "max over activations (and init schemes) of "
              "Spearman ρ(depth, mean h), no shortcut", rho.max(), "<", -INCREASING, "ρ " + per(rho)),
        check("shortcuts keep h high", "min over activations of mean h(shortcut) − mean h(no shortcut) at the "
              "largest depth", smooth, ">", 0.0,
              per(gap[True] - gap[False], "activation") if {True, False} <= set(gap.columns) else ""),
    ]


def rr_fig5(t: Tables, p: dict) -> list[Row]:
    return _h_vs_depth(t["fits"])


def rr_fig16(t: Tables, p: dict) -> list[Row]:
    return _h_vs_depth(t["fits"])


def rr_fig6(t: Tables, p: dict) -> list[Row]:
    corr = t["input"].groupby(["activation", "band"]).mean_abs_correlation.mean().unstack("band")
    upper = corr.columns[corr.columns >= np.median(corr.columns)]
    ratio = corr[corr.columns.min()] / corr[upper].mean(axis=1)
    return [
        check("the branch correlation decays with frequency", "min over activations of mean |correlation| in the "
              "lowest band / its mean over the upper half of the bands", ratio.min(), ">", 1.0,
              per(ratio, "activation")),
        check("the decay is strongest for ReLU, then tanh, then softplus", "smallest gap of that ratio between "
              "adjacent activations of the order ReLU > tanh > softplus", order_margin(ratio.to_dict(), RR_ORDER),
              ">", 0.0),
    ]


def high_frequency_fraction(spectra: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """Share of the mean power in the upper half of the frequencies (k > n_points/4), per ``keys``."""
    mean = spectra.groupby(list(keys) + ["k"]).power.mean().reset_index()
    high = mean.k > mean.k.max() / 2
    return mean[high].groupby(list(keys)).power.sum() / mean.groupby(list(keys)).power.sum()


def rr_fig7(t: Tables, p: dict) -> list[Row]:
    s = t["input"]
    s = s[s.layer == s.layer.max()]
    hf = high_frequency_fraction(s, ["version"])
    value = hf.get(1, math.nan) / hf.get(2, math.nan)
    return [check(None, "share of the last layer's power above n_points/4: v1 / v2", value, ">", 1.0)]


def _final_val_accuracy(metrics: pd.DataFrame) -> pd.Series:
    """Last logged validation accuracy of every run, averaged over runs, per training job."""
    val = metrics.dropna(subset=["val_accuracy"]).sort_values("step")
    return val.groupby(["job", "run"]).val_accuracy.last().groupby("job").mean()


def rr_fig8(t: Tables, p: dict) -> list[Row]:
    acc = _final_val_accuracy(t["input"])
    get = lambda name: acc.get(name, math.nan)  # noqa: E731 (job ids = variant names of rr.training.experiments)
    return [
        check("the averaging network beats NoShort and Wide NoShort", "final validation accuracy: averaging − "
              "max(NoShort, Wide NoShort), mean over runs", get("averaging") - max(get("noshort"), get("wide")),
              ">", 0.0),
        check("the averaging network stays below the ResNet with shortcuts", "final validation accuracy: ResNet − "
              "averaging, mean over runs", get("resnet") - get("averaging"), ">", 0.0),
    ]


rr_fig10 = rr_fig8


def rr_fig9(t: Tables, p: dict) -> list[Row]:
    acc, h = trainability_cells(t["metrics"], t["fits"], p.get("n_last_logged", 25))
    cells = no_shortcut(acc.merge(h, on=CELL_KEYS))
    relu = cells[np.isclose(cells.slope, cells.slope.min())]
    return [
        check("without shortcuts, cells with a low h at init train worse", "Spearman ρ(h at init, training accuracy) "
              "over the no-shortcut cells", spearman(cells.h, cells.train_accuracy), ">", 0.0),
        check("without shortcuts the training accuracy falls with depth (smallest slope)", "Spearman ρ(depth, "
              "training accuracy), no shortcut, smallest LeakyReLU slope", spearman(relu.depth, relu.train_accuracy),
              "<", 0.0),
    ]


def rr_fig11(t: Tables, p: dict) -> list[Row]:
    epochs = {row["experiment"]: row["epoch"] for rows in p.get("panels", {}).values() for row in rows}
    shifts = []
    for panel, s in t.items():
        s = no_shortcut(s)
        shift = blueshift(s, ["experiment", "activation"]).reset_index(name="shift")
        shift["epoch"] = shift.experiment.map(epochs)
        shift["panel"] = panel
        shifts.append(shift)
    shift = pd.concat(shifts, ignore_index=True)
    first, last = shift.epoch.min(), shift.epoch.max()
    wide = shift.pivot_table(index=["panel", "activation"], columns="epoch", values="shift")
    trained = wide[last] if last in wide and last != first else pd.Series(dtype=float)
    change = (wide[last] - wide[first]).mean() if len(trained) else math.nan
    note = "Δh (epoch 0 / trained) per panel, activation: " + "; ".join(
        f"{panel} {act} {wide.loc[(panel, act), first]:.3g} / {wide.loc[(panel, act), last]:.3g}"
        for panel, act in wide.index) if len(trained) else ""
    return [
        check("the blueshift persists after training (no shortcuts)", "min over panels and activations of Δh = "
              "h(first) − h(last layer) of the trained weights", trained.min() if len(trained) else math.nan,
              ">", 0.0, note),
        check("the blueshift is weaker after training", "mean over panels and activations of Δh(trained) − "
              "Δh(epoch 0)", change, "<", 0.0, note),
    ]


def rr_fig12(t: Tables, p: dict) -> list[Row]:
    shift = blueshift(with_grid_column(t["input"], "radius"), ["radius"]).sort_index()
    value = shift.iloc[-1] - shift.iloc[0] if len(shift) > 1 else math.nan
    return [check(None, "Δh = h(first) − h(last layer) at the largest radius minus at the smallest",
                  value, ">", 0.0, "Δh " + per(shift, "radius"))]


def rr_fig13(t: Tables, p: dict) -> list[Row]:
    shift = blueshift(no_shortcut(t["input"]), ["activation"])
    return [check("along the normalised gradient the blueshift is visible (no shortcuts)", "min over activations "
                  "of Δh = h(first) − h(last layer)", shift.min(), ">", 0.0, "Δh " + per(shift, "activation") + "; "
                  "the damping relative to random directions (rr-fig3) is not tested: the two figures may use "
                  "networks of different depth")]


def rr_fig14(t: Tables, p: dict) -> list[Row]:
    s = t["input"]
    h = layer_h(s, ["width"])
    last = h[h.layer == h.layer.max()].set_index("width").h
    shift = blueshift(s, ["width"]).mean()
    value = (last.max() - last.min()) / shift if len(last) > 1 and shift > 0 else math.nan
    note = "" if shift > 0 else f"no blueshift at this depth and scale (mean Δh = {shift:.3g}): nothing to compare"
    return [check(None, "range over widths of the last layer's h / mean blueshift Δh (the effect "
                  "of depth)", value, "<", 1.0, note)]


def rr_fig15(t: Tables, p: dict) -> list[Row]:
    s = t["spectra"]
    s = s[s.layer == s.layer.max()]
    h = layer_h(s.drop(columns="layer").rename(columns={"varied_layer": "layer"}), [])
    return [check(None, "Spearman ρ(index of the moved layer, h of the last layer's path)",
                  spearman(h.layer, h.h), ">", INCREASING)]


def rr_fig17(t: Tables, p: dict) -> list[Row]:
    shift = blueshift(no_shortcut(t["input"]), ["activation"])
    return [check(None, "min over activations of Δh = h(first) − h(last layer), no shortcut",
                  shift.min(), ">", 0.0, "Δh " + per(shift, "activation"))]

"""Claim checks of Ringing ReLUs: one function per figure id, ``(tables, params) -> rows``.

Shared conventions: "blueshift" of a network is ``Δh = h(first recorded layer) − h(last layer)`` (a deep
layer that is rougher than a shallow one has a smaller h, so Δh > 0); h is fitted, as the ``fits`` rule does,
on the square root of the power spectrum averaged over initialisations and directions, k = 1 … n_points/4, by
the paper's plain DFT (``power``; ``power_detrended`` gives the detrended h named in the notes).

Effect sizes: a change of h counts when it exceeds :data:`MARGIN` (0.2, a fifth of a straight line's h; the mean h
of networks at the floor scatters by about ±0.05 between directions); "no blueshift" allows :data:`TOLERANCE`.
The paper calls softplus's blueshift small (Sec. 4.2): claims about blueshift are tested on ReLU and tanh
(:data:`MAIN`), and softplus and the other activations get rows (or notes) of their own, never a place inside a
minimum over all activations.
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
from netspectra.schemas import LOSS

from .bands import gaussian_bands, independent_floor
from .chebyshev import COEFFICIENT_FLOOR
from .tables import CELL_KEYS, trainability_cells, with_grid_column

MARGIN = 0.2  # a difference of h that counts as an effect
TOLERANCE = 0.1  # |Δh| below this is "no blueshift"
MAIN = ("relu", "tanh")  # the activations whose blueshift the paper calls clear (softplus: "only a small effect")


def layer_h(spectra: pd.DataFrame, keys: Sequence[str], column: str = "power") -> pd.DataFrame:
    """h of the spectrum ``column`` averaged over everything but ``keys`` + layer: columns keys + layer + h."""
    mean = spectra.groupby(list(keys) + ["layer", "k"], dropna=False)[column].mean().unstack("k")
    k = mean.columns.to_numpy()
    fit = powerlaw.fit(k, np.sqrt(mean.to_numpy()), 1, powerlaw.default_k_max(2 * int(np.max(k))))
    return mean.index.to_frame(index=False).assign(h=fit["h"])


def centroids(spectra: pd.DataFrame, keys: Sequence[str], k_max: int | None = None) -> pd.DataFrame:
    """Power-weighted mean frequency Σ k·P / Σ P of the averaged spectrum over k ≤ ``k_max`` (default all):
    columns keys + layer + centroid."""
    mean = spectra.groupby(list(keys) + ["layer", "k"], dropna=False).power.mean().reset_index()
    if k_max is not None:
        mean = mean[mean.k <= k_max]
    mean["kp"] = mean.k * mean.power
    out = mean.groupby(list(keys) + ["layer"], dropna=False)[["kp", "power"]].sum().reset_index()
    return out.assign(centroid=out.kp / out.power).drop(columns=["kp", "power"])


def blueshift(spectra: pd.DataFrame, keys: Sequence[str], column: str = "power") -> pd.Series:
    """Δh = h(first recorded layer) − h(last layer) of the spectrum ``column``, indexed by ``keys``."""
    h = layer_h(spectra, keys, column).sort_values("layer")
    grouped = h.groupby(list(keys), dropna=False).h
    return grouped.first() - grouped.last()


def no_shortcut(df: pd.DataFrame) -> pd.DataFrame:
    return df[~df.shortcut.astype(bool)] if "shortcut" in df else df


def main(values: pd.Series) -> pd.Series:
    """The entries of ``values`` (indexed by activation) for the activations of :data:`MAIN`."""
    return values[[a for a in values.index if a in MAIN]]


def others(values: pd.Series, what: str = "") -> str:
    """A note on the activations outside :data:`MAIN` (reported, not tested)."""
    rest = values[[a for a in values.index if a not in MAIN]]
    return f"not tested (the paper calls their effect small): {per(rest, what)}" if len(rest) else ""


def join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


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
    d = d[d.layer == d.layer.max()]  # the loss path (recorded after the last layer), else the last layer
    h = d.groupby(["slope", "nu"]).h.mean()  # mean over directions (and recorded entries)
    hd = d.groupby(["slope", "nu"]).h_detrended.mean()
    s0, s1 = h.index.get_level_values("slope").min(), h.index.get_level_values("slope").max()
    n0, n1 = h.index.get_level_values("nu").min(), h.index.get_level_values("nu").max()
    what = "loss path" if (d.layer_name == LOSS).all() else "last-layer path"
    at_nu0, at_slope0 = h.xs(n0, level="nu"), h.xs(s0, level="slope")
    floor = f"straight line h = {d.h_floor.iloc[0]:.3g}"
    return [
        check("harmonics appear as the LeakyReLU slope goes to 0 (ν = 0)", f"mean h of the {what} over directions: "
              "h(slope 1, linear) − h(slope 0, ReLU) at the smallest ν", h[(s1, n0)] - h[(s0, n0)], ">", MARGIN,
              join(f"h per slope: {per(at_nu0)}", f"Spearman ρ(slope, h) {spearman(at_nu0.index, at_nu0):.2f}",
                   f"detrended: {hd[(s1, n0)] - hd[(s0, n0)]:.3g}", floor)),
        check("harmonics are damped as the residual weight ν goes to 1 (slope 0)", f"mean h of the {what}: "
              "h(ν 1, ResNet) − h(ν 0, no shortcut) at the smallest slope", h[(s0, n1)] - h[(s0, n0)], ">", MARGIN,
              join(f"h per ν: {per(at_slope0)}", f"Spearman ρ(ν, h) {spearman(at_slope0.index, at_slope0):.2f}",
                   f"detrended: {hd[(s0, n1)] - hd[(s0, n0)]:.3g}", floor)),
    ]


def rr_fig3(t: Tables, p: dict) -> list[Row]:
    rows = []
    for panel, what in (("a", "all-layer direction, path-normalised"), ("b", "first-layer direction, k²-weighted")):
        if panel not in t:
            continue
        s = no_shortcut(t[panel])
        # the fit range: above n_points/4 aliasing bends every spectrum up (Fig. 3 caption)
        c = centroids(s, ["activation"], powerlaw.default_k_max(2 * int(s.k.max())))
        rho = c.groupby("activation")[["layer", "centroid"]].apply(lambda g: spearman(g.layer, g.centroid))
        rows.append(check(f"({panel}) the spectral bump travels to higher k with depth (no shortcuts, {what})",
                          "min over ReLU and tanh of Spearman ρ(layer, power-weighted mean k over k ≤ n_points/4)",
                          main(rho).min(), ">", INCREASING, join("ρ " + per(main(rho)), others(rho))))
    a = t["a"]
    shift = blueshift(a, ["activation", "shortcut"]).unstack("shortcut")
    if False in shift:
        rows.append(check("(a) blueshift ReLU > tanh > softplus (no shortcuts)", "smallest gap in Δh = h(first) − "
                          "h(last layer) between adjacent activations of that order",
                          order_margin(shift[False].to_dict(), RR_ORDER), ">", 0.0, "Δh " + per(shift[False])))
    if False in shift and True in shift:
        damping = shift[False] - shift[True]
        rows.append(check("(a) shortcuts damp the blueshift (keep ~1/k in all layers)", "min over ReLU and tanh of "
                          "Δh(no shortcut) − Δh(shortcut)", main(damping).min(), ">", MARGIN,
                          join(per(main(damping), "activation"), others(damping))))
    return rows


def _median_h(fits: pd.DataFrame) -> pd.DataFrame:
    return fits.groupby(["activation", "shortcut"]).h.median().unstack("shortcut")


def rr_fig4(t: Tables, p: dict) -> list[Row]:
    fits = t["fits"]
    fits = fits[fits.layer_name == LOSS] if (fits.layer_name == LOSS).any() else fits[fits.layer == fits.layer.max()]
    h = _median_h(fits)
    floor = float(fits.h_floor.iloc[0])
    detrended = fits.groupby(["activation", "shortcut"]).h_detrended.median().unstack("shortcut")
    note = "median h of the loss path (no shortcut / shortcut): " + "; ".join(
        f"{a} {h.loc[a].get(False, math.nan):.3g} / {h.loc[a].get(True, math.nan):.3g}" for a in h.index)
    note = join(note, f"straight line h = {floor:.3g}", "detrended (no shortcut): " + per(detrended.get(False, {})))
    rows = []
    if False in h and "linear" in h.index:
        rows.append(check("a linear network shows no blueshift: its loss path is as smooth as a straight line",
                          "median h(linear, no shortcut) − h of a straight line (the plain DFT's floor)",
                          h.loc["linear", False] - floor, ">", -TOLERANCE, note))
        nonlinear = main(h[False].drop("linear"))
        rows.append(check("nonlinear networks without shortcuts blueshift most", "median h(linear) − max over ReLU "
                          "and tanh of median h, no shortcut", h.loc["linear", False] - nonlinear.max(), ">", MARGIN,
                          note))
    if True in h and False in h:
        for activation in [a for a in MAIN if a in h.index]:
            rows.append(check(f"shortcuts damp the blueshift ({activation})", f"median h({activation}, shortcut) − "
                              f"median h({activation}, no shortcut), loss path",
                              h.loc[activation, True] - h.loc[activation, False], ">", MARGIN,
                              join(note, others((h[True] - h[False]).drop("linear", errors="ignore"), "activation"))))
    return rows


def _mean_h_by_depth(fits: pd.DataFrame) -> pd.DataFrame:
    fits = fits[fits.layer_name == LOSS] if (fits.layer_name == LOSS).any() else fits[fits.layer == fits.layer.max()]
    fits = fits.copy()
    fits["init_scheme"] = fits["init_scheme"].fillna("default") if "init_scheme" in fits else "default"
    return fits.groupby(["activation", "shortcut", "init_scheme", "depth"]).h.mean().reset_index()


def after_peak_rho(depth: pd.Series, h: pd.Series) -> float:
    """Spearman ρ(depth, h) over the depths from the one of largest h on; NaN with fewer than three of them."""
    order = np.argsort(depth.to_numpy())
    d, v = depth.to_numpy()[order], h.to_numpy()[order]
    peak = int(np.nanargmax(v))
    return spearman(d[peak:], v[peak:]) if len(d) - peak >= 3 else math.nan


def _h_vs_depth(fits: pd.DataFrame) -> list[Row]:
    mean = _mean_h_by_depth(fits)
    plain = no_shortcut(mean)
    default = plain[plain.init_scheme != "delta_orthogonal"]
    rows = []
    for activation, g in default.groupby("activation", sort=False):
        g = g.sort_values("depth")
        curve = per(g.set_index("depth").h, "depth")
        rows.append(check(f"h of the loss path falls with depth without shortcuts ({activation})", "mean h at the "
                          "smallest depth − mean h at the largest depth, no shortcut", g.h.iloc[0] - g.h.iloc[-1],
                          ">", MARGIN, curve))
        rows.append(check(f"after the initial rise (the paper's caveat, Sec. 4.3) h falls with depth ({activation})",
                          "Spearman ρ(depth, mean h) over the depths from the peak of h on, no shortcut",
                          after_peak_rho(g.depth, g.h), "<", -INCREASING, curve))
    delta = plain[plain.init_scheme == "delta_orthogonal"]
    if len(delta):
        drop = delta.sort_values("depth").groupby("activation").h.agg(lambda h: h.iloc[0] - h.iloc[-1])
        rows.append(check("the delta-orthogonal network still gets rougher with depth", "min over activations of mean "
                          "h at the smallest − at the largest depth, delta-orthogonal, no shortcut", drop.min(), ">",
                          MARGIN, per(drop, "activation")))
    deepest = mean[(mean.depth == mean.depth.max()) & (mean.init_scheme != "delta_orthogonal")]
    gap = deepest.pivot_table(index="activation", columns="shortcut", values="h")
    if {True, False} <= set(gap.columns):
        keep = gap[True] - gap[False]
        rows.append(check("shortcuts keep h high", "min over ReLU and tanh of mean h(shortcut) − mean h(no shortcut) "
                          "at the largest depth", main(keep).min(), ">", MARGIN,
                          join(per(main(keep), "activation"), others(keep))))
    return rows


def rr_fig5(t: Tables, p: dict) -> list[Row]:
    return _h_vs_depth(t["fits"])


def rr_fig16(t: Tables, p: dict) -> list[Row]:
    return _h_vs_depth(t["fits"])


def half_frequency(centres: np.ndarray, excess: np.ndarray) -> float:
    """Band centre at which ``excess`` first falls to half its value in the lowest band (linear interpolation);
    NaN when the lowest band holds no excess or it never falls that far."""
    if not excess[0] > 0:
        return math.nan
    half = excess[0] / 2
    below = np.flatnonzero(excess <= half)
    if not len(below):
        return math.nan
    i = below[0]
    return float(centres[i - 1] + (excess[i - 1] - half) / (excess[i - 1] - excess[i]) * (centres[i] - centres[i - 1]))


def rr_fig6(t: Tables, p: dict) -> list[Row]:
    d = t["input"]
    weighted = d.assign(w=d.mean_abs_correlation.fillna(0) * d.n_pairs)
    sums = weighted.groupby(["activation", "band"])[["w", "n_pairs"]].sum()
    corr = (sums.w / sums.n_pairs.where(sums.n_pairs > 0)).unstack("band")
    centres = d.groupby("band").band_centre_k.first().loc[corr.columns].to_numpy()
    filters = gaussian_bands(p["n_points"], p["n_bins"], p["band_width"])
    floor = independent_floor(filters, p["n_points"], detrend=p["detrend"], window=p["window"])
    excess = corr - floor[corr.columns.to_numpy()]
    upper = corr.columns[corr.columns >= np.median(corr.columns)]
    decay = excess[corr.columns.min()] - excess[upper].mean(axis=1)
    k_half = excess.apply(lambda r: half_frequency(centres, r.to_numpy()), axis=1)
    others_half = k_half.drop("relu", errors="ignore")
    steepest = others_half.min() - k_half.get("relu", math.nan) if len(others_half) else math.nan
    return [
        check("the branch correlation decays with frequency", "min over activations of (mean |correlation| minus "
              "that of independent white-noise paths) in the lowest band − its mean over the upper half of the bands",
              decay.min(), ">", TOLERANCE, join(per(decay, "activation"),
                                                "excess per band (relu): " + per(excess.loc["relu"])
                                                if "relu" in excess.index else "")),
        check("the decay is strongest for ReLU", "min over the other activations of k½ − k½(ReLU), k½ = the band "
              "centre k at which the excess correlation falls to half its lowest-band value", steepest, ">", 0.0,
              join("k½ " + per(k_half, "activation"),
                   f"order ReLU > tanh > softplus: margin {order_margin((-k_half).to_dict(), RR_ORDER):.3g}")),
    ]


def high_frequency_fraction(spectra: pd.DataFrame, keys: Sequence[str], column: str = "power") -> pd.Series:
    """Share of the mean power ``column`` in the upper half of the frequencies (k > n_points/4), per ``keys``."""
    mean = spectra.groupby(list(keys) + ["k"])[column].mean().reset_index()
    high = mean.k > mean.k.max() / 2
    return mean[high].groupby(list(keys))[column].sum() / mean.groupby(list(keys))[column].sum()


def line_high_frequency_fraction(n_points: int) -> float:
    """The plain-DFT share above n_points/4 of a straight line (its end-to-end leakage ~1/k)."""
    from netspectra import spectra

    magnitude = spectra.magnitude_spectrum(np.linspace(0.0, 1.0, n_points))
    return float((magnitude[n_points // 4:] ** 2).sum() / (magnitude**2).sum())


def rr_fig7(t: Tables, p: dict) -> list[Row]:
    s = t["input"]
    s = s[s.layer == s.layer.max()]
    detrended = high_frequency_fraction(s, ["version"], "power_detrended")
    plain = high_frequency_fraction(s, ["version"])
    ratio = lambda f: f.get(1, math.nan) / f.get(2, math.nan)  # noqa: E731
    line = line_high_frequency_fraction(2 * int(s.k.max()))
    note = (f"plain DFT: v1/v2 = {ratio(plain):.3g} (shares {per(plain, 'version')}), at the straight line's own "
            f"{line:.3g}: leakage of the paths' end-to-end jump, not roughness; detrended shares "
            f"{per(detrended, 'version')}")
    return [check(None, "share of the last layer's power above n_points/4, detrended + Hann: v1 / v2", ratio(detrended),
                  ">", 1.0, note)]


def _final_val_accuracy(metrics: pd.DataFrame) -> pd.Series:
    """Last logged validation accuracy of every run, averaged over runs, per training job."""
    val = metrics.dropna(subset=["val_accuracy"]).sort_values("step")
    return val.groupby(["job", "run"]).val_accuracy.last().groupby("job").mean()


def rr_fig8(t: Tables, p: dict) -> list[Row]:
    acc = _final_val_accuracy(t["input"])
    get = lambda name: acc.get(name, math.nan)  # noqa: E731 (job ids = variant names of rr.training.experiments)
    note = "final validation accuracy " + per(acc, "network")
    return [
        check("the averaging network beats NoShort and Wide NoShort", "final validation accuracy: averaging − "
              "max(NoShort, Wide NoShort), mean over runs", get("averaging") - max(get("noshort"), get("wide")),
              ">", 0.0, note),
        check("the averaging network stays below the ResNet with shortcuts", "final validation accuracy: ResNet − "
              "averaging, mean over runs", get("resnet") - get("averaging"), ">", 0.0, note),
    ]


rr_fig10 = rr_fig8


def rr_fig9(t: Tables, p: dict) -> list[Row]:
    acc, h = trainability_cells(t["metrics"], t["fits"], p.get("n_last_logged", 25))
    cells = no_shortcut(acc.merge(h, on=CELL_KEYS))
    relu = cells[np.isclose(cells.slope, cells.slope.min())]
    note = "h / accuracy per (version, depth) at the smallest slope: " + "; ".join(
        f"v{r.version} depth {r.depth}: {r.h:.2f} / {r.train_accuracy:.2f}" for r in relu.itertuples())
    return [
        check("without shortcuts, cells with a low h at init train worse", "Spearman ρ(h at init, training accuracy) "
              "over the no-shortcut cells of the smallest LeakyReLU slope (versions × depths)",
              spearman(relu.h, relu.train_accuracy), ">", INCREASING, note),
        check("without shortcuts the training accuracy falls with depth (smallest slope)", "Spearman ρ(depth, "
              "training accuracy), no shortcut, smallest LeakyReLU slope", spearman(relu.depth, relu.train_accuracy),
              "<", -INCREASING, note),
    ]


def _training_shifts(t: Tables, p: dict) -> pd.DataFrame:
    """Δh per (panel, activation) at every checkpoint epoch: index (panel, activation), columns epochs."""
    epochs = {row["experiment"]: row["epoch"] for rows in p.get("panels", {}).values() for row in rows}
    shifts = []
    for panel, s in t.items():
        shift = blueshift(no_shortcut(s), ["experiment", "activation"]).reset_index(name="shift")
        shifts.append(shift.assign(epoch=shift.experiment.map(epochs), panel=panel))
    return pd.concat(shifts, ignore_index=True).pivot_table(index=["panel", "activation"], columns="epoch",
                                                             values="shift")


def rr_fig11(t: Tables, p: dict) -> list[Row]:
    wide = _training_shifts(t, p)
    first, last = wide.columns.min(), wide.columns.max()
    panels = sorted(wide.index.get_level_values("panel").unique())
    near, far = panels[0], panels[-1]
    note = "Δh (epoch 0 / trained) per panel, activation: " + "; ".join(
        f"{panel} {act} {wide.loc[(panel, act), first]:.3g} / {wide.loc[(panel, act), last]:.3g}"
        for panel, act in wide.index)
    rows = []
    for activation in MAIN:
        if not {(near, activation), (far, activation)} <= set(wide.index) or last == first:
            continue
        rows.append(check(f"({near}) the blueshift is weaker after training ({activation}, no shortcut)",
                          "Δh(trained) − Δh(epoch 0) at the smaller radius",
                          wide.loc[(near, activation), last] - wide.loc[(near, activation), first], "<", 0.0, note))
        rows.append(check(f"({far}) further out the blueshift of the trained network is clearly visible again "
                          f"({activation}, no shortcut)", "Δh = h(first) − h(last layer) of the trained weights at "
                          "the larger radius", wide.loc[(far, activation), last], ">", MARGIN, note))
    return rows


def rr_fig12(t: Tables, p: dict) -> list[Row]:
    shift = blueshift(with_grid_column(t["input"], "radius"), ["radius"]).sort_index()
    if len(shift) < 2:
        return [check(None, "Δh at the largest radius minus at the smallest", math.nan, ">", MARGIN)]
    note = "Δh " + per(shift, "radius")
    return [
        check("no blueshift very near the delta-orthogonal init", "Δh = h(first) − h(last layer) at the smallest "
              "radius", shift.iloc[0], "<", TOLERANCE, note),
        check("the blueshift returns further out", "Δh at the largest radius − Δh at the smallest",
              shift.iloc[-1] - shift.iloc[0], ">", MARGIN, note),
    ]


def rr_fig13(t: Tables, p: dict) -> list[Row]:
    shift = blueshift(no_shortcut(t["input"]), ["activation"])
    return [check("along the normalised gradient the blueshift is visible (no shortcuts)", "min over ReLU and tanh "
                  "of Δh = h(first) − h(last layer)", main(shift).min(), ">", MARGIN,
                  join("Δh " + per(main(shift), "activation"), others(shift),
                       "the damping relative to random directions (rr-fig3) is not tested: the two figures may use "
                       "networks of different depth"))]


def rr_fig14(t: Tables, p: dict) -> list[Row]:
    s = t["input"]
    h = layer_h(s, ["width"])
    last = h[h.layer == h.layer.max()].set_index("width").h
    shift = blueshift(s, ["width"]).mean()
    value = (last.max() - last.min()) / shift if len(last) > 1 and shift > 0 else math.nan
    note = (f"h of the last layer {per(last, 'width')}; mean Δh {shift:.3g}" if shift > 0 else
            f"no blueshift at this depth and scale (mean Δh = {shift:.3g}): nothing to compare")
    return [check(None, "range over widths of the last layer's h / mean blueshift Δh (the effect "
                  "of depth)", value, "<", 1.0, note)]


def rr_fig15(t: Tables, p: dict) -> list[Row]:
    s = t["spectra"]
    s = s[s.layer == s.layer.max()].drop(columns="layer").rename(columns={"varied_layer": "layer"})
    h = layer_h(s, [])
    detrended = layer_h(s, [], "power_detrended")
    return [check(None, "Spearman ρ(index of the moved layer, h of the last layer's path)",
                  spearman(h.layer, h.h), ">", INCREASING,
                  f"detrended: ρ {spearman(detrended.layer, detrended.h):.2f}")]


def rr_fig17(t: Tables, p: dict) -> list[Row]:
    s = no_shortcut(t["input"])
    shift = blueshift(s, ["activation"])
    detrended = blueshift(s, ["activation"], "power_detrended")
    return [check(f"{activation} blueshifts", f"Δh = h(first) − h(last layer), no shortcut ({activation})", value,
                  ">", MARGIN, f"detrended Δh {detrended[activation]:.3g}") for activation, value in shift.items()]

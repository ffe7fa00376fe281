"""Paper claims checked from the figures' own Parquet tables: one small function per figure id.

Every function takes the figure rule's Parquet inputs as ``{input name: DataFrame}`` (a list of files under
one name is concatenated) and the figure rule's params, and returns one row per claim it checks:
``claim`` (what the paper says), ``statistic`` (what ``value`` measures, in words), ``value``,
``comparison`` and ``threshold`` (the claim holds when ``value <comparison> threshold``), ``holds`` and a
``note``. A statistic that cannot be computed from the data at hand (e.g. a correlation over depth when the
scale has a single depth) is NaN and then ``holds`` is NA: nothing is forced or hidden.

Shared conventions: "blueshift" of a network is ``Δh = h(first recorded layer) − h(last layer)`` (a deep
layer that is rougher than a shallow one has a smaller h, so Δh > 0); h is fitted, as the ``fits`` rule does,
on the square root of the power spectrum averaged over initialisations and directions, k = 1 … n_points/4.
Rank correlations are Spearman's ρ; "increasing" means ρ > 0.5 (at most one adjacent swap among four points).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from . import powerlaw

Tables = dict[str, pd.DataFrame]
Row = dict[str, object]

PAPERS = {  # as the figure rules name the report categories
    "rr": "Ringing ReLUs (ICLR 2021)",
    "sb": "On the Spectral Bias of Neural Networks",
    "fp": "F-Principle (Xu, Fourier analysis)",
    "ff": "Fourier Features Let Networks Learn High Frequency Functions in Low Dimensional Domains",
}

# Every figure id of the experiment catalogue, in its order, with the claim the catalogue gives.
CLAIMS: dict[str, str] = {
    "rr-fig1": "harmonics appear as the LeakyReLU slope goes to 0 and are damped as the residual weight ν goes to 1",
    "rr-fig2": "Chebyshev coefficients decay fastest for softplus, then tanh, then ReLU",
    "rr-fig18": "the Chebyshev interpolants approximate softplus best, then tanh, then ReLU",
    "rr-fig19": "activations with a kink keep larger high-order Chebyshev coefficients than smooth ones",
    "rr-fig3": "the spectral bump travels to higher k with depth; ReLU > tanh > softplus; shortcuts keep ~1/k",
    "rr-fig4": "nonlinear networks without shortcuts blueshift most; linear ones not; shortcuts damp it",
    "rr-fig5": "h of the last layer falls with depth without shortcuts; shortcuts keep it high",
    "rr-fig16": "h of the last layer falls with depth without shortcuts; shortcuts keep it high (MNIST)",
    "rr-fig6": "branch correlation decays with frequency, most for ReLU, then tanh, then softplus",
    "rr-fig7": "ResNet v2 damps high frequencies more than v1",
    "rr-fig8": "the averaging network beats NoShort and Wide NoShort but not the ResNet with shortcuts",
    "rr-fig10": "the averaging network beats NoShort and Wide NoShort but not the ResNet (CIFAR-100)",
    "rr-fig9": "without shortcuts accuracy falls with depth where h at init is low",
    "rr-fig11": "the blueshift persists during training, weaker",
    "rr-fig12": "no blueshift very near init (tanh, delta-orthogonal); it returns further out",
    "rr-fig13": "along the normalised gradient the blueshift is visible, damped",
    "rr-fig14": "the layer width has little effect on the spectra",
    "rr-fig15": "moving an earlier layer gives a rougher path",
    "rr-fig17": "every nonlinearity blueshifts",
    "sb-fig1": "low frequencies are learnt first, whatever their amplitudes; spectral norms grow during training",
    "sb-fig6": "the network learns the coarse shape of the target first",
    "sb-fig3": "on manifolds with more petals L the high frequencies are learnt faster",
    "sb-fig4": "classification accuracy on γ_L rises with L",
    "sb-fig2": "two identically trained networks both fit the manifold and differ off it",
    "sb-fig5": "high-frequency components are the first to decay under parameter perturbations",
    "sb-fig7": "white noise is easier to fit on the curved (autoencoder) manifold than on a flat one",
    "sb-fig8": "no path between adversarial examples of one class crosses a decision boundary; paths are short",
    "sb-fig9": "no path from a training image to an adversarial example of its class crosses a decision boundary",
    "sb-fig10": "the DNN's probability map has a faster-decaying spectrum than every KNN's",
    "fp-fig1": "weight magnitudes barely change during training",
    "fp-fig2": "peaks of the image row converge from low to high frequency; small init generalises",
    "fp-fig3": "small weight init generalises better; the bias init matters little",
    "fp-fig4": "with large init the network fits the training pixels but is noisy on the test pixels",
    "fp-fig5": "peaks of the second image's row converge from low to high frequency",
    "fp-fig6": "for a high-frequency-dominant target Δ_F oscillates and decays; low frequencies converge early",
    "fp-fig7": "the F-Principle holds while the spectral norms of the weights barely move",
    "ff-fig1": "test PSNR: Gaussian ≥ positional encoding > basic > no mapping",
    "ff-fig2": "a lower exponent p gives a wider NTK spectrum",
    "ff-fig3": "a wider spectrum fits high frequencies faster; too wide overfits",
    "ff-fig4": "every frequency distribution traces one curve: under-fit at low std, over-fit at high std",
}
FIGURE_IDS: tuple[str, ...] = tuple(CLAIMS)

INCREASING = 0.5  # Spearman ρ above which a quantity counts as increasing (below −0.5: decreasing)
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}
COLUMNS = ["figure", "paper", "claim", "statistic", "value", "comparison", "threshold", "holds", "note"]


def paper_of(fig_id: str) -> str:
    return PAPERS[fig_id.split("-")[0]]


def check(claim: str, statistic: str, value: float, comparison: str, threshold: float, note: str = "") -> Row:
    """One claims row; ``holds`` is NA when ``value`` is NaN (the statistic cannot be computed here)."""
    value = float(value) if value is not None else math.nan
    holds = pd.NA if not math.isfinite(value) else bool(_OPS[comparison](value, threshold))
    if holds is pd.NA and not note:
        note = ("statistic not computable from this data (e.g. one grid value or run at this scale, or a "
                "quantity that never changes, such as a frequency that is never learnt)")
    return {"claim": claim, "statistic": statistic, "value": value, "comparison": comparison,
            "threshold": float(threshold), "holds": holds, "note": note}


def not_evaluated(fig_id: str, reason: str) -> Row:
    """The row of a figure whose claim was not checked: holds NA and the reason."""
    return {"figure": fig_id, "paper": paper_of(fig_id), "claim": CLAIMS[fig_id], "statistic": "not evaluated",
            "value": math.nan, "comparison": "", "threshold": math.nan, "holds": pd.NA, "note": reason}


# ------------------------------------------------------------------------------------------------ helpers
def spearman(x: Sequence, y: Sequence) -> float:
    """Spearman's ρ; NaN when either side has fewer than two distinct finite values."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if len(x) < 2 or len(np.unique(x)) < 2 or len(np.unique(y)) < 2:
        return math.nan
    return float(stats.spearmanr(x, y).statistic)


def per(values: pd.Series | dict, what: str = "") -> str:
    """A note listing the per-group values behind a min/max/order statistic, e.g. "per activation: relu 0.8, …"."""
    items = values.items() if isinstance(values, dict) else values.to_dict().items()

    def name(key):
        return ", ".join(map(str, key)) if isinstance(key, tuple) else str(key)

    return (f"per {what}: " if what else "") + "; ".join(f"{name(k)} {v:.3g}" for k, v in items)


def order_margin(values: dict, expected: Sequence[str]) -> float:
    """Smallest ``values[a] − values[b]`` over adjacent pairs of ``expected`` (largest first) that are present.

    Positive when the present entries are in the expected descending order; NaN when fewer than two are present.
    """
    present = [e for e in expected if e in values and np.isfinite(values[e])]
    if len(present) < 2:
        return math.nan
    return float(min(values[a] - values[b] for a, b in zip(present, present[1:])))


def fit_range(k: np.ndarray) -> int:
    """Upper end k_max = n_points/4 of the h fit (the fits rule's default), at least 2."""
    return max(2, int(2 * np.max(k)) // 4)


def layer_h(spectra: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """h of the spectrum averaged over everything but ``keys`` + layer: columns keys + layer + h."""
    mean = spectra.groupby(list(keys) + ["layer", "k"], dropna=False).power.mean().unstack("k")
    k = mean.columns.to_numpy()
    fit = powerlaw.fit(k, np.sqrt(mean.to_numpy()), 1, fit_range(k))
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


def first_step_reaching(curves: pd.DataFrame, by: Sequence[str], value: str, level: float) -> pd.Series:
    """First step at which the mean curve of ``value`` (over runs) reaches ``level``, per group (``inf`` if never)."""
    mean = curves.groupby(list(by) + ["step"], dropna=False)[value].mean().reset_index()

    def first(g):
        hit = g.loc[g[value] >= level, "step"]
        return float(hit.min()) if len(hit) else math.inf

    return mean.groupby(list(by), dropna=False)[[value, "step"]].apply(first)


def _last(df: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Rows at the last step of each group."""
    last = df.groupby(list(by), dropna=False).step.transform("max")
    return df[df.step == last]


# ------------------------------------------------------------------------------------------ Ringing ReLUs
RR_ORDER = ("relu", "tanh", "softplus")  # most to least blueshift (slowest to fastest coefficient decay)
KINKED = ("relu", "leaky_relu", "hardtanh", "selu")  # a jump in the derivative: coefficients ~ j^-2
SMOOTH = ("tanh", "softplus", "sigmoid", "gelu")  # analytic in a strip: geometric decay
COEFFICIENT_FLOOR = 1e-14  # zero up to rounding (odd coefficients of |x|-like functions)


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
    return [check(CLAIMS["rr-fig2"], "smallest gap in mean log10|t_j| (orders j > degree/2) between adjacent "
                  "activations of the order ReLU > tanh > softplus, over the intervals [decades]", margin, ">", 0.0)]


def rr_fig18(t: Tables, p: dict) -> list[Row]:
    a = t["input"]
    if p.get("interval") is not None:
        lo, hi = p["interval"]
        spans = a.groupby("interval").x.agg(["min", "max"])
        a = a[a.interval.isin(spans[np.isclose(spans["min"], lo) & np.isclose(spans["max"], hi)].index)]
    err = (a.value - a.approximation).abs().groupby(a.activation).max()
    margin = order_margin(np.log10(err.clip(lower=1e-300)).to_dict(), RR_ORDER)
    return [check(CLAIMS["rr-fig18"], "smallest log10 ratio of the max interpolation error between adjacent "
                  "activations of the order ReLU > tanh > softplus [decades]", margin, ">", 0.0)]


def rr_fig19(t: Tables, p: dict) -> list[Row]:
    tails = chebyshev_tails(_interval(t["input"], p.get("interval")))
    kinked = tails[[a for a in KINKED if a in tails]].min(axis=1)
    smooth = tails[[a for a in SMOOTH if a in tails]].max(axis=1)
    value = (kinked - smooth).min() if len(tails) and kinked.notna().any() and smooth.notna().any() else math.nan
    return [check(CLAIMS["rr-fig19"], "min over kinked (ReLU, LeakyReLU, HardTanh, SELU) minus max over smooth "
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
    return [check(CLAIMS["rr-fig7"], "share of the last layer's power above n_points/4: v1 / v2", value, ">", 1.0)]


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
    from .training import trailing_accuracy

    keys = ["version", "shortcut", "depth", "slope"]
    acc = trailing_accuracy(t["metrics"], keys + ["run"], p.get("n_last_logged", 25))
    acc = acc.groupby(keys, as_index=False).train_accuracy.mean()
    h = t["fits"].groupby(keys, as_index=False).h.mean()
    cells = no_shortcut(acc.merge(h, on=keys))
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


def with_grid_column(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` with the grid value ``name`` as a float column, read off the variant id (``name-<value>_…``) if absent.

    Sampling keys such as ``radius`` are grid values that the spectra tables keep only in the variant id.
    """
    if name in df:
        return df
    values = df.variant.str.extract(rf"(?:^|_){name}-([^_]+)")[0].astype(float)
    return df.assign(**{name: values})


def rr_fig12(t: Tables, p: dict) -> list[Row]:
    shift = blueshift(with_grid_column(t["input"], "radius"), ["radius"]).sort_index()
    value = shift.iloc[-1] - shift.iloc[0] if len(shift) > 1 else math.nan
    return [check(CLAIMS["rr-fig12"], "Δh = h(first) − h(last layer) at the largest radius minus at the smallest",
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
    return [check(CLAIMS["rr-fig14"], "range over widths of the last layer's h / mean blueshift Δh (the effect "
                  "of depth)", value, "<", 1.0, note)]


def rr_fig15(t: Tables, p: dict) -> list[Row]:
    s = t["spectra"]
    s = s[s.layer == s.layer.max()]
    h = layer_h(s.drop(columns="layer").rename(columns={"varied_layer": "layer"}), [])
    return [check(CLAIMS["rr-fig15"], "Spearman ρ(index of the moved layer, h of the last layer's path)",
                  spearman(h.layer, h.h), ">", INCREASING)]


def rr_fig17(t: Tables, p: dict) -> list[Row]:
    shift = blueshift(no_shortcut(t["input"]), ["activation"])
    return [check(CLAIMS["rr-fig17"], "min over activations of Δh = h(first) − h(last layer), no shortcut",
                  shift.min(), ">", 0.0, "Δh " + per(shift, "activation"))]


# ------------------------------------------------------------------------------------------ spectral bias
HALF = 0.5  # a frequency counts as learnt once its normalised amplitude |f̃(k)|/A reaches this


def sb_fig1(t: Tables, p: dict) -> list[Row]:
    spec = t["spectrum"]
    steps = first_step_reaching(spec, ["setting", "k"], "normalised_amplitude", HALF).reset_index(name="step")
    rho = steps.groupby("setting")[["k", "step"]].apply(lambda g: spearman(g.k, g.step))
    norms = t["norms"]
    by = ["setting", "layer"] if "setting" in norms else ["layer"]
    curve = norms.groupby(by + ["step"]).spectral_norm.mean().reset_index().sort_values("step")
    growth = curve.groupby(by).spectral_norm.agg(lambda v: np.log(v.iloc[-1] / v.iloc[0]))
    return [
        check("low frequencies are learnt first, whatever the amplitudes", f"min over amplitude settings of Spearman "
              f"ρ(k, first step with mean |f̃(k)|/A ≥ {HALF}) (never = last)", rho.min(), ">", INCREASING,
              "ρ " + per(rho, "setting")),
        check("the layers' spectral norms grow during training", "geometric mean over layers (and settings) of "
              "spectral norm at the last step / at step 0", float(np.exp(growth.mean())), ">", 1.0),
    ]


def target_frequencies(target: np.ndarray) -> np.ndarray:
    """Bins (k ≥ 1) of the rfft where a sum of grid-aligned sines has its components."""
    mag = np.abs(np.fft.rfft(target))[1:]
    return np.nonzero(mag > 1e-3 * mag.max())[0] + 1


def sb_fig6(t: Tables, p: dict) -> list[Row]:
    snaps = t["snapshots"]
    if "setting" in snaps and p.get("setting") is not None:
        snaps = snaps[snaps.setting == p["setting"]]
    steps = sorted(snaps.step.unique())
    inner = steps[1:-1]  # the coarse-first claim concerns the middle of training, not init or the end
    rhos = []
    for (step, run), g in snaps[snaps.step.isin(inner)].groupby(["step", "run"]):
        g = g.sort_values("z")
        target, pred = g.target.to_numpy(), g.prediction.to_numpy()
        k = target_frequencies(target)
        ft, fp = np.fft.rfft(target)[k], np.fft.rfft(pred)[k]
        rhos.append(spearman(k, np.abs(fp - ft) / np.abs(ft)))
    value = float(np.nanmean(rhos)) if np.isfinite(rhos).any() else math.nan
    return [check(CLAIMS["sb-fig6"], "mean over intermediate snapshots of Spearman ρ(k, relative error "
                  "|F[f]−F[λ]|/|F[λ]| at the target's frequencies)", value, ">", INCREASING)]


def sb_fig3(t: Tables, p: dict) -> list[Row]:
    spec = t["spectrum"]
    high = spec[spec.k > np.median(spec.k.unique())]
    auc = high.groupby("n_petals").normalised_amplitude.mean()
    return [check(CLAIMS["sb-fig3"], "Spearman ρ(L, mean over training and the upper half of the frequencies of "
                  "|f̃(k)|/A)", spearman(auc.index, auc.to_numpy()), ">", INCREASING)]


def sb_fig4(t: Tables, p: dict) -> list[Row]:
    acc = _last(t["accuracy"], ["k", "n_petals"]).groupby(["k", "n_petals"]).accuracy.mean().reset_index()
    rho = acc.groupby("k")[["n_petals", "accuracy"]].apply(lambda g: spearman(g.n_petals, g.accuracy))
    value = float(rho.mean()) if rho.notna().any() else math.nan
    return [check(CLAIMS["sb-fig4"], "mean over frequencies k of Spearman ρ(L, final training accuracy) (k where "
                  "every L ties are left out)", value, ">", 0.0)]


def sb_fig2(t: Tables, p: dict) -> list[Row]:
    maps, data, acc = t["maps"], t["data"], t["accuracy"]
    seeds = sorted(maps.seed.unique())
    rows = [check("both networks fit the manifold", "min over seeds of the training accuracy", acc.accuracy.min(),
                  ">=", 0.95)]
    if len(seeds) < 2:
        return rows + [check("the networks differ off the manifold", "sign disagreement off − on the manifold",
                             math.nan, ">", 0.0)]
    a = maps[maps.seed == seeds[0]].sort_values(["x", "y"])
    b = maps[maps.seed == seeds[1]].sort_values(["x", "y"])
    differ = np.sign(a.logit.to_numpy()) != np.sign(b.logit.to_numpy())
    grid = a[["x", "y"]].to_numpy()
    points = data[["x", "y"]].to_numpy()
    distance = np.sqrt(((grid[:, None, :] - points[None, :, :]) ** 2).sum(-1)).min(axis=1)
    spacing = np.median(np.sqrt((np.diff(points, axis=0) ** 2).sum(-1)))
    near, far = distance <= spacing, distance > 4 * spacing
    value = differ[far].mean() - differ[near].mean() if near.any() and far.any() else math.nan
    return rows + [check("the networks differ off the manifold", "fraction of grid points where the two seeds' "
                         "logit signs differ: far from the data (> 4 point spacings) − near it (≤ 1 spacing)",
                         value,
                         ">", 0.0)]


def sb_fig5(t: Tables, p: dict) -> list[Row]:
    r = t["robustness"]
    r = r[r.perturbation_size > 0]
    mean = r.groupby("k").relative_amplitude.mean()
    return [check(CLAIMS["sb-fig5"], "Spearman ρ(k, mean relative amplitude over perturbation sizes δ > 0)",
                  spearman(mean.index, mean.to_numpy()), "<", -INCREASING)]


def sb_fig7(t: Tables, p: dict) -> list[Row]:
    loss = t["loss"].groupby("manifold").loss.mean()
    value = loss.get("flat", math.nan) / loss.get("autoencoder", math.nan)
    return [check(CLAIMS["sb-fig7"], "mean training loss over steps and runs: flat / autoencoder manifold",
                  value, ">", 1.0)]


def sb_fig8(t: Tables, p: dict) -> list[Row]:
    s = t["stats"]
    return [
        check("no path (NEB, between endpoints of one class) crosses a decision boundary", "fraction of all paths "
              "that stay in their class", 1.0 - s.crosses.mean() if len(s) else math.nan, ">=", 1.0),
        check("the paths are nearly straight (paper: on average 3.0 ± 0.3% longer)", "mean length of the path / "
              "straight-line distance", s.length_ratio.mean() if len(s) else math.nan, "<=", 1.1),
    ]


def sb_fig9(t: Tables, p: dict) -> list[Row]:
    s = t["stats"]
    s = s[s.pair_kind == "train-adversarial"]
    return [check(CLAIMS["sb-fig9"], "fraction of training-image-to-adversarial paths that stay in their class",
                  1.0 - s.crosses.mean() if len(s) else math.nan, ">=", 1.0)]


def sb_fig10(t: Tables, p: dict) -> list[Row]:
    r = t["radial"]
    r = r[r.radial_frequency > 0]
    high = r.radial_frequency > r.radial_frequency.median()
    share = r[high].groupby("method").zeta.sum() / r.groupby("method").zeta.sum()
    knn = share.drop("DNN", errors="ignore")
    value = share.get("DNN", math.nan) / knn.min() if len(knn) else math.nan
    return [check(CLAIMS["sb-fig10"], "share of ζ above the median radial frequency: DNN / smallest share among "
                  "the KNNs", value, "<", 1.0)]


# ------------------------------------------------------------------------------------------- F-Principle
def _peak_order(delta: pd.DataFrame, run: str | None = None) -> float:
    """Spearman ρ(frequency, mean Δ_F over the recorded steps): positive when low frequencies converge first.

    The mean over training (the area under the Δ_F curve) needs no convergence level and is robust to the
    oscillations of Δ_F that a first-crossing time is not.
    """
    if run is not None:
        delta = delta[delta.run == run]
    mean = delta.groupby("frequency").delta_f.mean()
    return spearman(mean.index, mean.to_numpy())


def _member_run(table: pd.DataFrame, member: int) -> str | None:
    """Run label of ensemble member ``member``: runs appear in member order (the order of the config's stds)."""
    runs = list(dict.fromkeys(table.run))
    return runs[member] if member < len(runs) else None


def _relative_change(table: pd.DataFrame, by: Sequence[str], value: str, time: str) -> pd.Series:
    curve = table.sort_values(time).groupby(list(by))[value]
    return (curve.last() / curve.first() - 1).abs()


def fp_fig1(t: Tables, p: dict) -> list[Row]:
    change = _relative_change(t["mnist"], ["run"], "mean_abs_weight", "epoch")
    return [check(CLAIMS["fp-fig1"], "max over init stds of |mean|w| at the last epoch / at epoch 0 − 1|",
                  change.max(), "<", 0.1)]


def _final_losses(losses: pd.DataFrame) -> pd.DataFrame:
    return losses.sort_values("step").groupby("run")[["train_loss", "test_loss"]].last()


def fp_fig2(t: Tables, p: dict) -> list[Row]:
    member = p.get("options", {}).get("member", 0)
    run = _member_run(t["delta_f"], member)
    final = _final_losses(t["losses"])
    ratio = final.test_loss / final.train_loss
    others = ratio.drop(run, errors="ignore")
    value = ratio.get(run, math.nan) / others.max() if len(others) else math.nan
    return [
        check("the peaks converge from low to high frequency", "Spearman ρ(peak frequency, mean Δ_F over training)",
              _peak_order(t["delta_f"], run), ">", INCREASING),
        check("with small init the network generalises", "final test/train loss ratio: small init / larger init "
              "(fp-fig4's member)", value, "<", 1.0),
    ]


def fp_fig3(t: Tables, p: dict) -> list[Row]:
    m = t["mnist"].sort_values("epoch").groupby(["weight_std", "bias_std"]).test_accuracy.last().reset_index()
    ref = m[(m.weight_std == m.weight_std.min()) & (m.bias_std == m.bias_std.min())].test_accuracy
    big_w = m[(m.weight_std == m.weight_std.max()) & (m.bias_std == m.bias_std.min())].test_accuracy
    big_b = m[(m.weight_std == m.weight_std.min()) & (m.bias_std == m.bias_std.max())].test_accuracy
    weight_gap = ref.mean() - big_w.mean() if len(ref) and len(big_w) else math.nan
    bias_gap = abs(ref.mean() - big_b.mean()) if len(ref) and len(big_b) else math.nan
    return [
        check("small weight init generalises better", "final test accuracy: small − large weight std",
              weight_gap, ">", 0.0),
        check("the bias init matters little", "|change of the final test accuracy from a large bias std| / |its "
              "change from a large weight std|", bias_gap / abs(weight_gap) if weight_gap else math.nan, "<", 1.0),
    ]


def fp_fig4(t: Tables, p: dict) -> list[Row]:
    member = p.get("options", {}).get("member", 1)
    final = _final_losses(t["losses"])
    run = _member_run(t["losses"], member)
    if run is None or len(final) < 2:
        return [check(CLAIMS["fp-fig4"], "test loss: large / small init", math.nan, ">", 1.0)]
    small = final.drop(run)
    return [
        check("with large init the network fits the training pixels", "final training loss: large / small init",
              final.train_loss[run] / small.train_loss.min(), "<", 2.0),
        check("with large init the output is noisy on the test pixels", "final test loss: large / small init",
              final.test_loss[run] / small.test_loss.min(), ">", 1.0),
    ]


def fp_fig5(t: Tables, p: dict) -> list[Row]:
    member = p.get("options", {}).get("member", 0)
    run = _member_run(t["delta_f"], member)
    return [check(CLAIMS["fp-fig5"], "Spearman ρ(peak frequency, mean Δ_F over training)",
                  _peak_order(t["delta_f"], run), ">", INCREASING)]


def fp_fig6(t: Tables, p: dict) -> list[Row]:
    d = t["delta_f"].sort_values("step")
    n_tail = max(1, d.step.nunique() // 10)
    tail_steps = sorted(d.step.unique())[-n_tail:]
    start = d[d.step == d.step.min()].groupby("frequency").delta_f.mean()
    end = d[d.step.isin(tail_steps)].groupby("frequency").delta_f.mean()
    return [
        check("low frequencies still converge early", "Spearman ρ(frequency, mean Δ_F over training)",
              _peak_order(d), ">", INCREASING),
        check("Δ_F decays at every followed frequency", "max over frequencies of mean Δ_F over the last 10% of "
              "the records / Δ_F at step 0", (end / start).max(), "<", 1.0),
    ]


def fp_fig7(t: Tables, p: dict) -> list[Row]:
    change = _relative_change(t["spectral_norms"], ["run", "layer"], "spectral_norm", "step")
    return [
        check("the F-Principle holds for the wide network", "Spearman ρ(peak frequency, mean Δ_F over training)",
              _peak_order(t["delta_f"]), ">", INCREASING),
        check("the spectral norms of the weights barely move", "max over layers of |spectral norm at the last step "
              "/ at step 0 − 1|", change.max(), "<", 0.1),
    ]


# ------------------------------------------------------------------------------------------ Fourier features
FF_ORDER = ("gaussian", "positional", "basic", "none")


def ff_fig1(t: Tables, p: dict) -> list[Row]:
    psnr = t["psnr"].groupby("mapping").test_psnr.mean()
    return [check(CLAIMS["ff-fig1"], "smallest gap in mean test PSNR over images between adjacent mappings of the "
                  "order Gaussian, positional, basic, none [dB]", order_margin(psnr.to_dict(), FF_ORDER), ">=", 0.0)]


def ff_fig2(t: Tables, p: dict) -> list[Row]:
    s = t["spectra"]
    s = s[(s.kernel == "power_law") & (s.frequency > 0)]  # the mappings a_j = j^-p, b_j = j
    if (s.kind == "analytic").any():
        s = s[s.kind == "analytic"]
    s = s.assign(fm=s.frequency * s.magnitude)
    g = s.groupby("exponent")[["fm", "magnitude"]].sum()
    width = g.fm / g.magnitude
    return [check(CLAIMS["ff-fig2"], "Spearman ρ(exponent p, magnitude-weighted mean frequency of the NTK row's "
                  "spectrum), analytic kernel", spearman(width.index, width.to_numpy()), "<", -INCREASING)]


def ff_fig3(t: Tables, p: dict) -> list[Row]:
    res = t["residuals"]
    res = res[res.exponent.notna()]
    res = res[res.source == "network"]  # not the NTK theory curves
    top = res[res.frequency == res.frequency.max()].groupby("exponent").amplitude.mean()
    curves = t["curves"]
    curves = curves[curves.exponent.notna() & (curves.split == "test")]
    curves = curves[curves.source == "network"]
    test = _last(curves, ["exponent"]).groupby("exponent").mse.mean()
    overfit = test[test.index.min()] / test.min() if len(test) > 1 else math.nan
    return [
        check("a wider spectrum (lower p) fits the high frequencies faster", "Spearman ρ(p, mean training residual "
              "over steps at the highest followed frequency)", spearman(top.index, top.to_numpy()), ">", INCREASING),
        check("a too wide spectrum overfits", "final test MSE at the lowest p / best final test MSE over p",
              overfit, ">", 1.0),
    ]


def ff_fig4(t: Tables, p: dict) -> list[Row]:
    s = t["sweep"]
    s = s[s.generator != "dense"]
    cell = s.groupby(["signal_exponent", "generator", "scale"]).agg(
        x=("frequency_rms", lambda v: np.log10(v).mean()),
        y=("test_mse", lambda v: np.log10(v.clip(lower=1e-30)).mean())).reset_index()
    r2, interior = [], []
    for _, family in cell.groupby("signal_exponent"):
        if family.scale.nunique() >= 3:
            coef = np.polyfit(family.x, family.y, 2)
            resid = family.y - np.polyval(coef, family.x)
            r2.append(1 - (resid**2).sum() / ((family.y - family.y.mean()) ** 2).sum())
            for _, curve in family.groupby("generator"):
                best = int(np.argmin(curve.sort_values("scale").y.to_numpy()))
                interior.append(0 < best < len(curve) - 1)
    return [
        check("every frequency distribution traces one curve", "min over signal families of the R² of one quadratic "
              "in log10(RMS frequency) fitted to log10(test MSE) of all distributions", min(r2, default=math.nan),
              ">", 0.8),
        check("under-fit at low std, over-fit at high std", "fraction of (family, distribution) curves whose lowest "
              "test error lies strictly inside the scale range", np.mean(interior) if interior else math.nan,
              ">=", 1.0),
    ]


CHECKS: dict[str, Callable[[Tables, dict], list[Row]]] = {
    fig: globals()[fig.replace("-", "_")] for fig in FIGURE_IDS
}


def evaluate(fig_id: str, tables: Tables, params: dict | None = None) -> list[Row]:
    """The claims rows of one figure, with its id and paper."""
    rows = CHECKS[fig_id](tables, params or {})
    return [{"figure": fig_id, "paper": paper_of(fig_id)} | r for r in rows]


def claims_table(rows: list[Row], scale: str) -> pd.DataFrame:
    """Rows in the ``claims`` schema order, ``holds`` as a nullable boolean, plus the scale."""
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["holds"] = df["holds"].astype("boolean")
    df["value"] = df["value"].astype(float)
    df["threshold"] = df["threshold"].astype(float)
    df["scale"] = scale
    return df


_HOLDS_STYLE = {True: ("holds", "#d9f2d9"), False: ("does not hold", "#f8d7d7")}
_NA_STYLE = ("undecided", "#eeeeee")  # not evaluated, or the statistic is NaN: the note says why


def _format_value(value: float) -> str:
    return "—" if not np.isfinite(value) else f"{value:.3g}"


def to_html(table: pd.DataFrame, title: str) -> str:
    """A self-contained HTML page of the claims table, one section per paper, rows coloured by ``holds``."""
    from html import escape

    counts = table.holds.value_counts(dropna=False)
    summary = (f"{int(counts.get(True, 0))} hold, {int(counts.get(False, 0))} do not hold, "
               f"{int(table.holds.isna().sum())} undecided, of {len(table)} checks on "
               f"{table.figure.nunique()} figures")
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title><style>"
             "body{font-family:sans-serif;font-size:13px;margin:1em}table{border-collapse:collapse;width:100%}"
             "th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}"
             "th{background:#f0f0f0}td.num{text-align:right;white-space:nowrap}td.id{white-space:nowrap}"
             "</style></head><body>",
             f"<h2>{escape(title)}</h2><p>{escape(summary)}.</p>"]
    for paper, rows in table.groupby("paper", sort=False):
        parts.append(f"<h3>{escape(paper)}</h3><table><tr><th>figure</th><th>claim</th><th>statistic</th>"
                     "<th>value</th><th>test</th><th>result</th><th>note</th></tr>")
        for r in rows.itertuples():
            label, colour = _NA_STYLE if pd.isna(r.holds) else _HOLDS_STYLE[bool(r.holds)]
            test = "" if not r.comparison else f"{r.comparison} {_format_value(r.threshold)}"
            parts.append(f"<tr style='background:{colour}'><td class='id'>{escape(r.figure)}</td>"
                         f"<td>{escape(r.claim)}</td><td>{escape(r.statistic)}</td>"
                         f"<td class='num'>{_format_value(r.value)}</td>"
                         f"<td class='num'>{escape(test)}</td><td>{label}</td><td>{escape(r.note)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)

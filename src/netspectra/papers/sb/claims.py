"""Claim checks of On the Spectral Bias of Neural Networks: one function per figure id, ``(tables, params) -> rows``."""

from __future__ import annotations

import math

import numpy as np

from netspectra.claims import (
    INCREASING,
    Row,
    Tables,
    check,
    first_step_reaching,
    last_rows,
    per,
    spearman,
)

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
    for _, g in snaps[snaps.step.isin(inner)].groupby(["step", "run"]):
        g = g.sort_values("z")
        target, pred = g.target.to_numpy(), g.prediction.to_numpy()
        k = target_frequencies(target)
        ft, fp = np.fft.rfft(target)[k], np.fft.rfft(pred)[k]
        rhos.append(spearman(k, np.abs(fp - ft) / np.abs(ft)))
    value = float(np.nanmean(rhos)) if np.isfinite(rhos).any() else math.nan
    return [check(None, "mean over intermediate snapshots of Spearman ρ(k, relative error "
                  "|F[f]−F[λ]|/|F[λ]| at the target's frequencies)", value, ">", INCREASING)]


def sb_fig3(t: Tables, p: dict) -> list[Row]:
    spec = t["spectrum"]
    high = spec[spec.k > np.median(spec.k.unique())]
    auc = high.groupby("n_petals").normalised_amplitude.mean()
    return [check(None, "Spearman ρ(L, mean over training and the upper half of the frequencies of "
                  "|f̃(k)|/A)", spearman(auc.index, auc.to_numpy()), ">", INCREASING)]


def sb_fig4(t: Tables, p: dict) -> list[Row]:
    acc = last_rows(t["accuracy"], ["k", "n_petals"]).groupby(["k", "n_petals"]).accuracy.mean().reset_index()
    rho = acc.groupby("k")[["n_petals", "accuracy"]].apply(lambda g: spearman(g.n_petals, g.accuracy))
    value = float(rho.mean()) if rho.notna().any() else math.nan
    return [check(None, "mean over frequencies k of Spearman ρ(L, final training accuracy) (k where "
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
    return [check(None, "Spearman ρ(k, mean relative amplitude over perturbation sizes δ > 0)",
                  spearman(mean.index, mean.to_numpy()), "<", -INCREASING)]


def sb_fig7(t: Tables, p: dict) -> list[Row]:
    loss = t["loss"].groupby("manifold").loss.mean()
    value = loss.get("flat", math.nan) / loss.get("autoencoder", math.nan)
    return [check(None, "mean training loss over steps and runs: flat / autoencoder manifold",
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
    return [check(None, "fraction of training-image-to-adversarial paths that stay in their class",
                  1.0 - s.crosses.mean() if len(s) else math.nan, ">=", 1.0)]


def sb_fig10(t: Tables, p: dict) -> list[Row]:
    r = t["radial"]
    r = r[r.radial_frequency > 0]
    high = r.radial_frequency > r.radial_frequency.median()
    share = r[high].groupby("method").zeta.sum() / r.groupby("method").zeta.sum()
    knn = share.drop("DNN", errors="ignore")
    value = share.get("DNN", math.nan) / knn.min() if len(knn) else math.nan
    return [check(None, "share of ζ above the median radial frequency: DNN / smallest share among "
                  "the KNNs", value, "<", 1.0)]

"""Claim checks of On the Spectral Bias of Neural Networks: one function per figure id, ``(tables, params) -> rows``.

Every check measures what the paper claims from all the data of the figure, with a threshold set by the
paper's effect (and a margin), and returns NA with the reason where a precondition fails (e.g. a network
that does not fit its training points is no evidence about what it does off them). Where the paper
separates cases (amplitude settings, kinds of paths) each case gets its own row.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from netspectra.claims import Row, Tables, check, per
from netspectra.claims import spearman as _spearman

LEARNT = 0.5  # a frequency counts as learnt once its normalised amplitude |f̃(k)|/A reaches this
# Spearman ρ beyond which an order counts as the paper's: its figures show clean staircases (ρ = ±1); with
# 4–10 points, ±0.8 allows about one adjacent swap.
ORDER = 0.8
NORM_GROWTH = 1.2  # sb-fig1: spectral norms "increase as the model fits higher frequency": a rise of ≥ 20 %
FIT_FLOOR = 0.95  # a classifier "yields close to perfect accuracy" (sb-fig2) from here; below, no evidence
FITTED = 0.9  # sb-fig5: θ* must fit every frequency to 90 % of its amplitude (|f̃_θ*(k)|/A ≥ 0.9)
ACCURACY_SPAN = 0.05  # sb-fig4: a frequency whose accuracy spans less over L shows no dependence on L to rank
DIFFER = 0.1  # sb-fig2: "they differ significantly elsewhere": the classes differ on > 10 % of the grid off the data
NOISE_RATIO = 1.2  # sb-fig7: loss on the flat manifold at least 20 % above that on the autoencoder manifold
NORM_MATCH = 0.1  # sb-fig7: the two manifolds' mean input norms may differ by at most 10 %
STAY = 0.98  # sb-fig8/9: the paper finds paths for ALL pairs; 2 % margin for the quick scale's short NEB
PAPER_EXCESS, EXCESS_MARGIN = 3.0, 2.5  # sb-fig8: paths 3.0 ± 0.3 % longer than the straight line; |Δ| < 2.5 %
CLASSIFIER_FLOOR = 0.9  # sb-fig8/9: validation accuracy of the path classifier below which paths mean little
SMOOTHER = 0.8  # sb-fig10: DNN's share of ζ at high radial frequency at most 0.8 × the smoothest KNN's


def na(claim: str | None, statistic: str, comparison: str, threshold: float, reason: str) -> Row:
    """A row whose precondition failed: value NaN, holds NA, the reason in the note."""
    return check(claim, statistic, math.nan, comparison, threshold, reason)


def spearman(x, y) -> float:
    """Spearman's ρ rounded to 9 digits, so that an order exactly at a threshold (e.g. ρ = 0.8) compares as equal."""
    return round(_spearman(x, y), 9)


# ------------------------------------------------------------------------------------------- sb-fig1
def sb_fig1(t: Tables, p: dict) -> list[Row]:
    """Per amplitude setting: ρ(k, mean over training and runs of min(|f̃(k)|/A, 1)) < −0.8 (low k learnt
    first: larger time-averaged amplitude), and the layers' spectral norms grow by ≥ 20 %."""
    spec, norms = t["spectrum"], t["norms"]
    rows = []
    for setting, s in spec.groupby("setting", sort=False):
        stat = (f"setting {setting}: Spearman ρ(k, mean over training steps and runs of min(|f̃(k)|/A, 1)); "
                "low k learnt first = larger mean")
        claim = f"low frequencies are learnt first ({setting} amplitudes)"
        curve = s.groupby(["k", "step"]).normalised_amplitude.mean()
        reached = curve.groupby("k").max()
        if reached.max() < LEARNT:
            rows.append(na(claim, stat, "<", -ORDER, f"no frequency reaches |f̃|/A = {LEARNT} within the "
                           f"{s.step.max()} steps: the order of learning cannot show (highest {reached.max():.2f})"))
            continue
        mean = s.assign(a=s.normalised_amplitude.clip(0, 1)).groupby("k").a.mean()
        rows.append(check(claim, stat, spearman(mean.index, mean.to_numpy()), "<", -ORDER,
                          "mean min(|f̃|/A, 1) " + per(mean, "k")))
    by = ["setting"] if "setting" in norms else []
    for key, n in (norms.groupby(by, sort=False) if by else [(None, norms)]):
        setting = key[0] if isinstance(key, tuple) else key
        curve = n.groupby(["layer", "step"]).spectral_norm.mean().reset_index().sort_values("step")
        growth = curve.groupby("layer").spectral_norm.agg(lambda v: v.iloc[-1] / v.iloc[0])
        where = f" ({setting} amplitudes)" if setting is not None else ""
        rows.append(check(f"the layers' spectral norms grow during training{where}", "geometric mean over layers "
                          "of spectral norm at the last step / at step 0 (mean over runs)",
                          float(np.exp(np.log(growth).mean())), ">", NORM_GROWTH, "ratio " + per(growth, "layer")))
    return rows


# ------------------------------------------------------------------------------------------- sb-fig6
def target_frequencies(target: np.ndarray) -> np.ndarray:
    """Bins (k ≥ 1) of the rfft where a sum of grid-aligned sines has its components."""
    mag = np.abs(np.fft.rfft(target))[1:]
    return np.nonzero(mag > 1e-3 * mag.max())[0] + 1


def sb_fig6(t: Tables, p: dict) -> list[Row]:
    """ρ(k, relative error |F[f]−F[λ]|/|F[λ]| at the target's frequencies) > 0.8, mean over the snapshots taken
    while the network is learning: the lowest frequency already fitted (error < ½), the highest not yet."""
    snaps = t["snapshots"]
    if "setting" in snaps and p.get("setting") is not None:
        snaps = snaps[snaps.setting == p["setting"]]
    stat = ("mean over mid-training snapshots (lowest target frequency fitted to relative error < ½, highest "
            "not) of Spearman ρ(k, |F[f]−F[λ]|/|F[λ]|)")
    rhos, used = [], set()
    for (step, _), g in snaps.groupby(["step", "run"]):
        g = g.sort_values("z")
        target, pred = g.target.to_numpy(), g.prediction.to_numpy()
        k = target_frequencies(target)
        ft, fp = np.fft.rfft(target)[k], np.fft.rfft(pred)[k]
        error = np.abs(fp - ft) / np.abs(ft)
        if error[0] < LEARNT <= error[-1]:
            rhos.append(spearman(k, error))
            used.add(int(step))
    if not rhos:
        return [na(None, stat, ">", ORDER, "no snapshot catches the network mid-way (lowest frequency fitted, "
                   f"highest not) among steps {sorted(snaps.step.unique().tolist())}")]
    return [check(None, stat, float(np.nanmean(rhos)), ">", ORDER,
                  f"{len(rhos)} snapshots at steps {sorted(used)}")]


# ------------------------------------------------------------------------------------------- sb-fig3
def sb_fig3(t: Tables, p: dict) -> list[Row]:
    """ρ(L, mean over training of min(|f̃(k)|/A, 1) at the upper half of the frequencies) ≥ 0.8, and
    ρ(L, mean log10 training loss) ≤ −0.8 (Fig. 3e: the larger L, the easier the task)."""
    spec, loss = t["spectrum"], t["loss"]
    high = spec[spec.k > np.median(spec.k.unique())]
    amp = high.assign(a=high.normalised_amplitude.clip(0, 1)).groupby("n_petals").a.mean()
    log_loss = np.log10(loss.loss.clip(lower=1e-30)).groupby(loss.n_petals).mean()
    return [
        check(None, "Spearman ρ(L, mean over training, runs and the upper half of the frequencies of "
              "min(|f̃(k)|/A, 1))", spearman(amp.index, amp.to_numpy()), ">=", ORDER, per(amp, "L")),
        check("the larger L, the easier the learning task (Fig. 3e)", "Spearman ρ(L, mean over training and runs "
              "of log10 training MSE)", spearman(log_loss.index, log_loss.to_numpy()), "<=", -ORDER,
              "mean log10 loss " + per(log_loss, "L")),
    ]


# ------------------------------------------------------------------------------------------- sb-fig4
def sb_fig4(t: Tables, p: dict) -> list[Row]:
    """Mean over k of ρ(L, final training accuracy averaged over runs) ≥ 0.8, over the frequencies whose
    accuracy varies with L by at least 0.05 (all-perfect or all-chance rows have no order to show)."""
    acc = t["accuracy"]
    final = acc[acc.step == acc.groupby(["k", "n_petals"]).step.transform("max")]
    mean = final.groupby(["k", "n_petals"]).accuracy.mean().reset_index()
    span = mean.groupby("k").accuracy.agg(lambda v: v.max() - v.min())
    ranked = span[span >= ACCURACY_SPAN].index
    stat = (f"mean over frequencies k (those whose accuracy spans ≥ {ACCURACY_SPAN} over L) of Spearman ρ(L, final "
            "training accuracy, mean over runs)")
    if not len(ranked):
        return [na(None, stat, ">=", ORDER, "at every k the accuracy is the same for every L (span "
                   f"{per(span, 'k')}): nothing to rank")]
    rho = mean[mean.k.isin(ranked)].groupby("k")[["n_petals", "accuracy"]].apply(
        lambda g: spearman(g.n_petals, g.accuracy))
    return [check(None, stat, float(rho.mean()), ">=", ORDER,
                  f"{final.groupby(['k', 'n_petals']).run.nunique().min()} run(s) per cell; ρ " + per(rho, "k"))]


# ------------------------------------------------------------------------------------------- sb-fig2
def _grid_distance(grid: np.ndarray, points: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Distance from every grid point (G, 2) to the nearest data point (N, 2), in chunks to bound memory."""
    return np.concatenate([np.sqrt(((g[:, None, :] - points[None, :, :]) ** 2).sum(-1)).min(axis=1)
                           for g in np.array_split(grid, max(1, len(grid) // chunk))])


def sb_fig2(t: Tables, p: dict) -> list[Row]:
    """Both seeds fit the manifold (training accuracy ≥ 0.95) and, given that, their predicted classes differ on
    ≥ 10 % of the grid off the manifold (points farther than one data spacing from every training point)."""
    maps, data, acc = t["maps"], t["data"], t["accuracy"]
    seeds = sorted(maps.seed.unique())
    accuracy = acc.set_index("seed").accuracy
    rows = [check("both networks fit the manifold", "min over seeds of the training accuracy", accuracy.min(),
                  ">=", FIT_FLOOR, "accuracy " + per(accuracy, "seed"))]
    claim = "the networks differ off the manifold"
    stat = ("fraction of the grid off the manifold (farther than one data spacing from every training point) where "
            "the two seeds' predicted classes differ")
    if len(seeds) < 2:
        return rows + [na(claim, stat, ">", DIFFER, "one seed only: nothing to compare")]
    if accuracy.min() < FIT_FLOOR:
        return rows + [na(claim, stat, ">", DIFFER, f"a network fits only {accuracy.min():.3f} of its training "
                          f"points (< {FIT_FLOOR}): where they differ is no evidence")]
    a = maps[maps.seed == seeds[0]].sort_values(["x", "y"])
    b = maps[maps.seed == seeds[1]].sort_values(["x", "y"])
    differ = np.sign(a.logit.to_numpy()) != np.sign(b.logit.to_numpy())
    points = data.sort_values("z")[["x", "y"]].to_numpy()
    distance = _grid_distance(a[["x", "y"]].to_numpy(), points)
    spacing = np.median(np.sqrt((np.diff(points, axis=0) ** 2).sum(-1)))
    bands = {"1–2": (1, 2), "2–4": (2, 4), "4–8": (4, 8), "> 8": (8, np.inf)}
    by_band = {name: differ[(distance > lo * spacing) & (distance <= hi * spacing)].mean()
               for name, (lo, hi) in bands.items() if ((distance > lo * spacing) & (distance <= hi * spacing)).any()}
    off = distance > spacing
    if not off.any():
        return rows + [na(claim, stat, ">", DIFFER, "the grid has no points off the manifold")]
    return rows + [check(claim, stat, differ[off].mean(), ">", DIFFER,
                         "disagreement " + per(by_band, "distance from the data in spacings"))]


# ------------------------------------------------------------------------------------------- sb-fig5
def sb_fig5(t: Tables, p: dict) -> list[Row]:
    """Given θ* fits every k to ≥ 90 % of its amplitude: ρ(k, mean relative amplitude over δ > 0) < −0.8."""
    r = t["robustness"]
    stat = "Spearman ρ(k, mean over perturbation sizes δ > 0 and models of E|f̃_{θ*+δθ̂}(k)| / |f̃_θ*(k)|)"
    fitted = r[r.perturbation_size == 0].groupby("k").mean_amplitude.min()  # equal amplitudes A = 1
    if fitted.min() < FITTED:
        low = fitted[fitted < FITTED]
        return [na(None, stat, "<", -ORDER, f"θ* is not converged: |f̃_θ*(k)|/A < {FITTED} for some model at "
                   + per(low, "k (worst model)") + "; perturbing an unfitted component says nothing of its robustness")]
    mean = r[r.perturbation_size > 0].groupby("k").relative_amplitude.mean()
    return [check(None, stat, spearman(mean.index, mean.to_numpy()), "<", -ORDER, per(mean, "k"))]


# ------------------------------------------------------------------------------------------- sb-fig7
def sb_fig7(t: Tables, p: dict) -> list[Row]:
    """Mean training loss (over steps and runs) on the flat manifold ≥ 1.2 × that on the autoencoder manifold,
    given both manifolds' inputs have the same mean norm (within 10 %)."""
    losses = t["loss"]
    loss = losses.groupby("manifold").loss.mean()
    stat = "mean training loss over steps and runs: flat / autoencoder manifold"
    note = ""
    if "input_norm" in losses:
        norm = losses.groupby("manifold").input_norm.first()
        spacing = losses.groupby("manifold").nn_spacing.first() if "nn_spacing" in losses else None
        note = "mean input norm " + per(norm, "manifold")
        if spacing is not None:
            note += "; nearest-neighbour spacing " + per(spacing, "manifold")
        mismatch = abs(norm.get("flat", math.nan) / norm.get("autoencoder", math.nan) - 1)
        if not mismatch <= NORM_MATCH:
            return [na(None, stat, ">", NOISE_RATIO, f"input norms differ by {100 * mismatch:.0f} % (> "
                       f"{100 * NORM_MATCH:.0f} %): the comparison confounds input scale with curvature; " + note)]
    value = loss.get("flat", math.nan) / loss.get("autoencoder", math.nan)
    return [check(None, stat, value, ">", NOISE_RATIO, note)]


# ------------------------------------------------------------------------------------------- sb-fig8/9
def _classifier_ok(t: Tables) -> tuple[bool, str]:
    metrics = t.get("metrics")
    if metrics is None or "val_accuracy" not in metrics or metrics.val_accuracy.dropna().empty:
        return True, ""
    acc = float(metrics.val_accuracy.dropna().iloc[-1])
    return acc >= CLASSIFIER_FLOOR, f"classifier validation accuracy {acc:.3f}"


def _stay_rows(s: pd.DataFrame, kinds: list[str], t: Tables) -> list[Row]:
    ok, note = _classifier_ok(t)
    rows = []
    for kind in kinds:
        sel = s[s.pair_kind == kind]
        claim = f"no {kind} path (NEB, endpoints of one class) crosses a decision boundary"
        stat = f"fraction of the {kind} paths that stay in their class"
        if not ok:
            rows.append(na(claim, stat, ">=", STAY, f"{note} < {CLASSIFIER_FLOOR}: decision regions of an untrained "
                           "classifier are no evidence"))
        elif sel.empty:
            rows.append(na(claim, stat, ">=", STAY, f"no {kind} path in this run"))
        else:
            rows.append(check(claim, stat, 1.0 - sel.crosses.mean(), ">=", STAY,
                              f"{int(sel.crosses.sum())} of {len(sel)} paths cross; straight lines: "
                              f"{int(sel.linear_crosses.sum())} cross; {note}"))
    return rows


def sb_fig8(t: Tables, p: dict) -> list[Row]:
    """Per kind of path: ≥ 98 % stay in class; the paths are bent but nearly straight: mean excess length
    over the straight line within 2.5 % of the paper's 3.0 % (an unbent line, 0 %, fails)."""
    s = t["stats"]
    kinds = [k for k in ("adversarial-adversarial", "train-train") if k in set(s.pair_kind)] or \
        ["adversarial-adversarial"]
    rows = _stay_rows(s, kinds, t)
    claim = "the paths are nearly straight, about 3 % longer than the straight line (paper: 3.0 ± 0.3 %)"
    stat = "|mean excess length of the NEB paths over the straight line [%] − 3.0|"
    if s.empty:
        return rows + [na(claim, stat, "<", EXCESS_MARGIN, "no paths in this run")]
    excess = 100 * (s.length_ratio.mean() - 1)
    return rows + [check(claim, stat, abs(excess - PAPER_EXCESS), "<", EXCESS_MARGIN,
                         f"mean excess {excess:.2f} % over {len(s)} paths")]


def sb_fig9(t: Tables, p: dict) -> list[Row]:
    """≥ 98 % of the paths from a training image to an adversarial of its class stay in class."""
    return _stay_rows(t["stats"], ["train-adversarial"], t)


# ------------------------------------------------------------------------------------------ sb-fig10
def sb_fig10(t: Tables, p: dict) -> list[Row]:
    """Given the DNN fits its training points (≥ 0.95): its share of ζ above the median radial frequency is
    ≤ 0.8 × the smallest share among the KNNs (its spectrum decays faster than every KNN's)."""
    r = t["radial"]
    r = r[r.radial_frequency > 0]
    high = r.radial_frequency > r.radial_frequency.median()
    share = r[high].groupby("method").zeta.sum() / r.groupby("method").zeta.sum()
    knn = share.drop("DNN", errors="ignore")
    stat = "share of ζ above the median radial frequency: DNN / smallest share among the KNNs"
    if "dnn_accuracy" in t:
        acc = t["dnn_accuracy"].accuracy
        if acc.min() < FIT_FLOOR:
            return [na(None, stat, "<", SMOOTHER, f"a DNN fits only {acc.min():.3f} of its training points (< "
                       f"{FIT_FLOOR}): a smooth map that misses the data is no evidence")]
    value = share.get("DNN", math.nan) / knn.min() if len(knn) else math.nan
    return [check(None, stat, value, "<", SMOOTHER, "share " + per(share, "method"))]

"""Claim checks of the F-Principle: one function per figure id, ``(tables, params) -> rows``.

Every check measures the paper's claim on all members it concerns, with a threshold set by the paper's
effect (and a margin). A member that does not train (training accuracy below a floor, or an output that never
approaches the target) is no evidence for a claim about training: its row is NA with the reason.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from netspectra.claims import Row, Tables, check, per
from netspectra.claims import spearman as _spearman

ORDER = 0.8  # Spearman ρ of the convergence order: the paper's peaks converge in order (ρ = 1); 0.8 ≈ one swap
TRAIN_FLOOR = 0.9  # fp-fig1/3: "DNNs have high accuracy for the training data"; below this a member did not train
BARELY = 0.1  # fp-fig1/7: "only changes slightly" / "almost does not change": at most 10 % at any record
WEIGHT_GAP = 0.02  # fp-fig3: small weight init gives "much higher" test accuracy: ≥ 2 percentage points
BIAS_SHARE = 0.5  # fp-fig3: a large bias init costs "a bit": at most half of what a large weight init costs
CONVERGED = 0.5  # Δ_F below this counts as converged (fp-fig7 precondition: the network learns at all)
GENERALISES = 2.0  # fp-fig2: small init "test error very close to training error": test/train loss ≤ 2
NOISY = 2.0  # fp-fig4: large init test loss ≥ 2 × the small init's (paper Fig. 4b: poor generalisation)
FITS = 2.0  # fp-fig4: large init fits the training pixels: its training loss ≤ 2 × the small init's
DECAY = 0.5  # fp-fig6: Δ_F "decreases": the last 10 % of records at most half of Δ_F at step 0


def na(claim: str | None, statistic: str, comparison: str, threshold: float, reason: str) -> Row:
    return check(claim, statistic, math.nan, comparison, threshold, reason)


def spearman(x, y) -> float:
    """Spearman's ρ rounded to 9 digits, so that an order exactly at a threshold (e.g. ρ = 0.8) compares as equal."""
    return round(_spearman(x, y), 9)


def _peak_means(delta: pd.DataFrame, run: str | None = None) -> pd.Series:
    """Mean Δ_F over the recorded steps per followed frequency (of one run, or averaged over runs)."""
    if run is not None:
        delta = delta[delta.run == run]
    return delta.groupby("frequency").delta_f.mean()


def _peak_order(delta: pd.DataFrame, run: str | None = None) -> float:
    """Spearman ρ(frequency, mean Δ_F over the recorded steps): positive when low frequencies converge first.

    The mean over training (the area under the Δ_F curve) needs no convergence level and is robust to the
    oscillations of Δ_F that a first-crossing time is not.
    """
    mean = _peak_means(delta, run)
    return spearman(mean.index, mean.to_numpy())


def _order_row(claim: str | None, delta: pd.DataFrame, run: str | None = None) -> Row:
    mean = _peak_means(delta, run)
    return check(claim, "Spearman ρ(peak frequency, mean Δ_F over training)", spearman(mean.index, mean.to_numpy()),
                 ">=", ORDER, "mean Δ_F " + per(mean, "frequency"))


def _member_run(table: pd.DataFrame, member: int) -> str | None:
    """Run label of ensemble member ``member``: runs appear in member order (the order of the config's stds)."""
    runs = list(dict.fromkeys(table.run))
    return runs[member] if member < len(runs) else None


def _largest_change(table: pd.DataFrame, value: str, time: str) -> float:
    """max over records of |value(t) / value(first) − 1| of one member."""
    curve = table.sort_values(time)[value].to_numpy()
    return float(np.max(np.abs(curve / curve[0] - 1)))


# ------------------------------------------------------------------------------------------- fp-fig1
def fp_fig1(t: Tables, p: dict) -> list[Row]:
    """Per init std: max over epochs of |mean|w|/mean|w|(0) − 1| and of the same for |b| < 0.1, for members
    that train (final training accuracy ≥ 0.9)."""
    rows = []
    for run, m in t["mnist"].groupby("run", sort=False):
        claim = f"weight and bias magnitudes barely change during training ({run})"
        stat = "max over epochs and over {weights, biases} of |mean |θ| / its value at epoch 0 − 1|"
        final = m.sort_values("epoch").iloc[-1]
        if final.train_accuracy < TRAIN_FLOOR:
            rows.append(na(claim, stat, "<", BARELY, f"training accuracy {final.train_accuracy:.3f} < {TRAIN_FLOOR} "
                           "after the last epoch: a member that does not train is no evidence"))
            continue
        change = {"weights": _largest_change(m, "mean_abs_weight", "epoch"),
                  "biases": _largest_change(m, "mean_abs_bias", "epoch")}
        rows.append(check(claim, stat, max(change.values()), "<", BARELY,
                          f"training accuracy {final.train_accuracy:.3f}; change " + per(change)))
    return rows


# ------------------------------------------------------------------------------------------- fp-fig2/4/5
def _final_losses(losses: pd.DataFrame) -> pd.DataFrame:
    return losses.sort_values("step").groupby("run")[["train_loss", "test_loss"]].last()


def fp_fig2(t: Tables, p: dict) -> list[Row]:
    """Peaks of the small-init member converge from low to high (ρ ≥ 0.8); it generalises: final test loss
    ≤ 2 × its training loss."""
    run = _member_run(t["delta_f"], p.get("member", 0))
    final = _final_losses(t["losses"])
    claim = "with small init the network generalises (test error close to training error)"
    stat = "final test / training loss of the small-init member"
    rows = [_order_row("the peaks converge from low to high frequency", t["delta_f"], run)]
    if run not in final.index:
        return rows + [na(claim, stat, "<=", GENERALISES, f"no losses of member {run}")]
    ratio = final.test_loss[run] / final.train_loss[run]
    return rows + [check(claim, stat, ratio, "<=", GENERALISES,
                         f"{run}: train {final.train_loss[run]:.3g}, test {final.test_loss[run]:.3g}")]


def fp_fig4(t: Tables, p: dict) -> list[Row]:
    """The large-init member fits the training pixels (training loss ≤ 2 × the small init's) but is noisy on
    the test pixels (test loss ≥ 2 × the small init's)."""
    final = _final_losses(t["losses"])
    run = _member_run(t["losses"], p.get("member", 1))
    fit_stat, noise_stat = "final training loss: large / small init", "final test loss: large / small init"
    fit_claim = "with large init the network fits the training pixels"
    noise_claim = "with large init the output is noisy on the test pixels"
    if run is None or len(final) < 2:
        reason = "needs a large-init and a small-init member"
        return [na(fit_claim, fit_stat, "<=", FITS, reason), na(noise_claim, noise_stat, ">=", NOISY, reason)]
    small = final.drop(run)
    note = f"large init {run}: train {final.train_loss[run]:.3g}, test {final.test_loss[run]:.3g}"
    return [
        check(fit_claim, fit_stat, final.train_loss[run] / small.train_loss.min(), "<=", FITS, note),
        check(noise_claim, noise_stat, final.test_loss[run] / small.test_loss.min(), ">=", NOISY, note),
    ]


def fp_fig5(t: Tables, p: dict) -> list[Row]:
    return [_order_row(None, t["delta_f"], _member_run(t["delta_f"], p.get("member", 0)))]


# ------------------------------------------------------------------------------------------- fp-fig3
def fp_fig3(t: Tables, p: dict) -> list[Row]:
    """Given the members compared train (final training accuracy ≥ 0.9): test accuracy (small w, small b) −
    (large w, small b) ≥ 0.02, and the cost of a large bias std is at most half the cost of a large weight std."""
    m = t["mnist"].sort_values("epoch").groupby(["weight_std", "bias_std"])[["train_accuracy", "test_accuracy"]].last()
    w, b = m.index.get_level_values(0), m.index.get_level_values(1)
    ref, big_w, big_b = ((w.min(), b.min()), (w.max(), b.min()), (w.min(), b.max()))
    weight_claim, bias_claim = "small weight init generalises better", "the bias init matters little"
    weight_stat = "final test accuracy: (small weight, small bias std) − (large weight, small bias std)"
    bias_stat = ("|test accuracy (small w, small b) − (small w, large b)| / (test accuracy (small w, small b) − "
                 "(large w, small b))")

    def name(key):
        return f"({key[0]:g}, {key[1]:g})"

    def missing(*keys):
        """Why the members ``keys`` cannot be compared ("" when they can)."""
        absent = [name(k) for k in keys if k not in m.index]
        if absent or len(set(keys)) < len(keys):
            return f"no distinct members {', '.join(name(k) for k in keys)} among the stds {m.index.tolist()}"
        untrained = {name(k): m.train_accuracy[k] for k in keys if m.train_accuracy[k] < TRAIN_FLOOR}
        if untrained:
            return (f"final training accuracy below {TRAIN_FLOOR} for (weight std, bias std) " + per(untrained) +
                    ": the test accuracy of a member that did not train is no evidence")
        return ""

    test = m.test_accuracy
    note = "final (train, test) accuracy " + "; ".join(
        f"{name(k)} ({m.train_accuracy[k]:.3f}, {test[k]:.3f})" for k in dict.fromkeys((ref, big_w, big_b))
        if k in m.index)
    reason = missing(ref, big_w)
    if reason:
        return [na(weight_claim, weight_stat, ">=", WEIGHT_GAP, reason),
                na(bias_claim, bias_stat, "<=", BIAS_SHARE, reason)]
    weight_gap = test[ref] - test[big_w]
    rows = [check(weight_claim, weight_stat, weight_gap, ">=", WEIGHT_GAP, note)]
    reason = missing(ref, big_w, big_b)
    if not reason and not weight_gap > 0:
        reason = "the large weight std costs no test accuracy here: nothing to compare the bias std's cost with"
    if reason:
        return rows + [na(bias_claim, bias_stat, "<=", BIAS_SHARE, f"{reason}; {note}")]
    return rows + [check(bias_claim, bias_stat, abs(test[ref] - test[big_b]) / weight_gap, "<=", BIAS_SHARE, note)]


# ------------------------------------------------------------------------------------------- fp-fig6
def fp_fig6(t: Tables, p: dict) -> list[Row]:
    """Low frequencies converge early (ρ ≥ 0.8) and Δ_F decays at every followed frequency (mean over the last
    10 % of the records ≤ ½ Δ_F at step 0)."""
    d = t["delta_f"].sort_values("step")
    n_tail = max(1, d.step.nunique() // 10)
    tail_steps = sorted(d.step.unique())[-n_tail:]
    start = d[d.step == d.step.min()].groupby("frequency").delta_f.mean()
    end = d[d.step.isin(tail_steps)].groupby("frequency").delta_f.mean()
    ratio = end / start
    return [
        _order_row("low frequencies still converge early", d),
        check("Δ_F decays at every followed frequency", "max over frequencies of mean Δ_F over the last 10% of the "
              "records / Δ_F at step 0", ratio.max(), "<=", DECAY, "ratio " + per(ratio, "frequency")),
    ]


# ------------------------------------------------------------------------------------------- fp-fig7
def fp_fig7(t: Tables, p: dict) -> list[Row]:
    """The F-Principle (ρ ≥ 0.8) holds while every layer's spectral norm stays within 10 % of its initial
    value at every record, given the network learns (the lowest peak's final Δ_F < ½)."""
    delta, norms = t["delta_f"], t["spectral_norms"]
    change = norms.groupby(["run", "layer"])[["step", "spectral_norm"]].apply(
        lambda g: _largest_change(g, "spectral_norm", "step"))
    by_layer = change.groupby("layer").max()
    claim = "the spectral norms of the weights barely move"
    stat = "max over layers and records of |spectral norm / its value at step 0 − 1|"
    final = delta[delta.step == delta.step.max()]
    lowest = final[final.frequency == final.frequency.min()].delta_f.max()
    rows = [_order_row("the F-Principle holds for the wide network", delta)]
    if not lowest < CONVERGED:
        return rows + [na(claim, stat, "<", BARELY, f"the lowest peak's final Δ_F is {lowest:.2f} (≥ {CONVERGED}): "
                          "a network that has not learnt moves no norm, which is no evidence")]
    return rows + [check(claim, stat, by_layer.max(), "<", BARELY, "change " + per(by_layer, "layer"))]


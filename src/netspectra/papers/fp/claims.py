"""Claim checks of the F-Principle: one function per figure id, ``(tables, params) -> rows``."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from netspectra.claims import (
    INCREASING,
    Row,
    Tables,
    check,
    spearman,
)


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
    return [check(None, "max over init stds of |mean|w| at the last epoch / at epoch 0 − 1|",
                  change.max(), "<", 0.1)]


def _final_losses(losses: pd.DataFrame) -> pd.DataFrame:
    return losses.sort_values("step").groupby("run")[["train_loss", "test_loss"]].last()


def fp_fig2(t: Tables, p: dict) -> list[Row]:
    member = p.get("member", 0)
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
    member = p.get("member", 1)
    final = _final_losses(t["losses"])
    run = _member_run(t["losses"], member)
    if run is None or len(final) < 2:
        return [check(None, "test loss: large / small init", math.nan, ">", 1.0)]
    small = final.drop(run)
    return [
        check("with large init the network fits the training pixels", "final training loss: large / small init",
              final.train_loss[run] / small.train_loss.min(), "<", 2.0),
        check("with large init the output is noisy on the test pixels", "final test loss: large / small init",
              final.test_loss[run] / small.test_loss.min(), ">", 1.0),
    ]


def fp_fig5(t: Tables, p: dict) -> list[Row]:
    member = p.get("member", 0)
    run = _member_run(t["delta_f"], member)
    return [check(None, "Spearman ρ(peak frequency, mean Δ_F over training)",
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

"""F-Principle claim checks on small synthetic tables: each check holds where the claim is true, fails
(holds = False) where it is false, and is NA where its precondition fails."""

import numpy as np
import pandas as pd
import pytest

from netspectra.papers.fp import claims


def holds(rows):
    return [None if r["holds"] is pd.NA else r["holds"] for r in rows]


STEPS = np.arange(0, 500, 20)


def delta_table(time_scale, runs=("w0.08_b0.08",)):
    """fp_delta_f rows: Δ_F(f) = exp(−step / time_scale[f])."""
    return pd.concat([pd.DataFrame({"run": run, "weight_std": 0.08, "bias_std": 0.08, "step": STEPS, "frequency": f,
                                    "delta_f": np.exp(-STEPS / tau), "kind": "complex"})
                      for run in runs for f, tau in time_scale.items()], ignore_index=True)


LOW_FIRST = {1: 50, 3: 100, 6: 200, 9: 400}
HIGH_FIRST = {1: 400, 3: 200, 6: 100, 9: 50}


def test_fp_peak_order():
    assert claims._peak_order(delta_table(LOW_FIRST)) == pytest.approx(1.0)
    assert claims._peak_order(delta_table(HIGH_FIRST)) == pytest.approx(-1.0)
    assert holds(claims.fp_fig5({"delta_f": delta_table(LOW_FIRST)}, {"member": 0})) == [True]
    assert holds(claims.fp_fig5({"delta_f": delta_table(HIGH_FIRST)}, {"member": 0})) == [False]
    one_swap_of_four = {1: 50, 3: 200, 6: 100, 9: 400}  # ρ = 0.8: at the threshold (≥)
    assert holds(claims.fp_fig5({"delta_f": delta_table(one_swap_of_four)}, {})) == [True]
    two_swaps = {1: 100, 3: 50, 6: 400, 9: 200}  # ρ = 0.6: the old threshold 0.5 passed it
    assert holds(claims.fp_fig5({"delta_f": delta_table(two_swaps)}, {})) == [False]


def mnist_table(members):
    """fp_mnist rows per (weight_std, bias_std): weight/bias magnitudes grow by ``change`` over 5 epochs and the
    accuracies end at (train, test)."""
    rows = []
    for (w, b), (change, train, test) in members.items():
        for epoch in range(6):
            f = 1 + change * epoch / 5
            rows.append({"run": f"w{w:g}_b{b:g}", "weight_std": w, "bias_std": b, "epoch": epoch,
                         "mean_abs_weight": 0.8 * w * f, "std_abs_weight": 0.5 * w, "mean_abs_bias": 0.8 * b * f,
                         "std_abs_bias": 0.5 * b, "train_accuracy": 0.1 + (train - 0.1) * epoch / 5,
                         "test_accuracy": 0.1 + (test - 0.1) * epoch / 5, "train_loss": 0.1, "test_loss": 0.1})
    return pd.DataFrame(rows)


def test_fp_fig1_magnitudes_barely_change_for_members_that_train():
    good = mnist_table({(0.06, 0.06): (0.02, 0.99, 0.95), (0.2, 0.2): (0.05, 0.98, 0.93)})
    assert holds(claims.fp_fig1({"mnist": good}, {})) == [True, True]
    moved = mnist_table({(0.06, 0.06): (0.3, 0.99, 0.95), (0.2, 0.2): (0.05, 0.98, 0.93)})
    assert holds(claims.fp_fig1({"mnist": moved}, {})) == [False, True]
    stuck = mnist_table({(0.06, 0.06): (0.02, 0.99, 0.95), (0.6, 0.6): (0.0, 0.17, 0.15)})
    rows = claims.fp_fig1({"mnist": stuck}, {})
    assert holds(rows) == [True, None] and "0.170" in rows[1]["note"]


def test_fp_fig1_counts_the_biases():
    table = mnist_table({(0.06, 0.06): (0.02, 0.99, 0.95)})
    table["mean_abs_bias"] = 0.05 * (1 + 0.5 * table.epoch / 5)  # the biases grow by 50 %, the weights by 2 %
    assert holds(claims.fp_fig1({"mnist": table}, {})) == [False]


def test_fp_fig3_small_weight_init_generalises_bias_matters_little():
    paper_like = mnist_table({(0.01, 0.01): (0, 0.99, 0.97), (0.3, 0.01): (0, 0.99, 0.90),
                              (0.01, 2.5): (0, 0.98, 0.96)})
    assert holds(claims.fp_fig3({"mnist": paper_like}, {})) == [True, True]
    no_gap = mnist_table({(0.01, 0.01): (0, 0.99, 0.95), (0.3, 0.01): (0, 0.99, 0.945),
                          (0.01, 2.5): (0, 0.98, 0.90)})
    assert holds(claims.fp_fig3({"mnist": no_gap}, {})) == [False, False]
    at_chance = mnist_table({(0.01, 0.01): (0, 0.99, 0.97), (0.3, 0.01): (0, 0.72, 0.60),
                             (0.01, 2.5): (0, 0.11, 0.10)})
    rows = claims.fp_fig3({"mnist": at_chance}, {})
    assert holds(rows) == [None, None] and "did not train" in rows[0]["note"] and "(0.3, 0.01) 0.72" in rows[0]["note"]
    bias_at_chance = mnist_table({(0.01, 0.01): (0, 0.99, 0.97), (0.3, 0.01): (0, 0.97, 0.84),
                                  (0.01, 2.5): (0, 0.10, 0.10)})
    rows = claims.fp_fig3({"mnist": bias_at_chance}, {})
    assert holds(rows) == [True, None] and "(0.01, 2.5) 0.1" in rows[1]["note"]


def losses_table(final):
    """fp_losses: per run, losses falling to (train, test)."""
    return pd.concat([pd.DataFrame({"run": run, "step": STEPS, "train_loss": train * (1 + 10 * np.exp(-STEPS / 50)),
                                    "test_loss": test * (1 + 10 * np.exp(-STEPS / 50))})
                      for run, (train, test) in final.items()], ignore_index=True)


def test_fp_fig2_order_and_generalisation():
    small, large = "w0.08_b0.08", "w0.5_b0.08"
    delta = delta_table(LOW_FIRST, runs=(small, large))
    good = {"delta_f": delta, "losses": losses_table({small: (0.01, 0.015), large: (0.01, 0.08)})}
    assert holds(claims.fp_fig2(good, {"member": 0})) == [True, True]
    bad = {"delta_f": delta_table(HIGH_FIRST, runs=(small, large)),
           "losses": losses_table({small: (0.01, 0.05), large: (0.01, 0.08)})}
    assert holds(claims.fp_fig2(bad, {"member": 0})) == [False, False]


def test_fp_fig4_large_init_fits_but_is_noisy():
    small, large = "w0.08_b0.08", "w0.5_b0.08"
    good = {"losses": losses_table({small: (0.01, 0.015), large: (0.012, 0.08)})}
    assert holds(claims.fp_fig4(good, {"member": 1})) == [True, True]
    bad = {"losses": losses_table({small: (0.01, 0.015), large: (0.05, 0.02)})}
    assert holds(claims.fp_fig4(bad, {"member": 1})) == [False, False]
    alone = {"losses": losses_table({small: (0.01, 0.015)})}
    assert holds(claims.fp_fig4(alone, {"member": 1})) == [None, None]


def test_fp_fig6_low_frequencies_early_and_decay():
    assert holds(claims.fp_fig6({"delta_f": delta_table(LOW_FIRST)}, {})) == [True, True]
    stalls = delta_table(LOW_FIRST)
    stalls.loc[stalls.frequency == 9, "delta_f"] = 0.9  # the highest peak never converges
    assert holds(claims.fp_fig6({"delta_f": stalls}, {})) == [True, False]
    assert holds(claims.fp_fig6({"delta_f": delta_table(HIGH_FIRST)}, {}))[0] is False


def norms_table(change):
    return pd.DataFrame([{"run": "w0.1_b0.1", "step": s, "layer": layer, "spectral_norm": 2.0 * (1 + change * s / 480)}
                         for s in STEPS for layer in range(3)])


def test_fp_fig7_principle_holds_while_norms_barely_move():
    assert holds(claims.fp_fig7({"delta_f": delta_table(LOW_FIRST), "spectral_norms": norms_table(0.03)}, {})) \
        == [True, True]
    assert holds(claims.fp_fig7({"delta_f": delta_table(LOW_FIRST), "spectral_norms": norms_table(0.28)}, {})) \
        == [True, False]
    assert holds(claims.fp_fig7({"delta_f": delta_table(HIGH_FIRST), "spectral_norms": norms_table(0.03)}, {}))[0] \
        is False
    not_learning = delta_table({f: 10**6 for f in LOW_FIRST})
    rows = claims.fp_fig7({"delta_f": not_learning, "spectral_norms": norms_table(0.0)}, {})
    assert holds(rows)[1] is None and "has not learnt" in rows[1]["note"]

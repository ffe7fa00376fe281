"""F-Principle claim checks on small synthetic tables."""

import numpy as np
import pandas as pd
import pytest

from netspectra.papers.fp import claims


def holds(rows, claim_start=""):
    return [r["holds"] for r in rows if (r["claim"] or "").startswith(claim_start)]


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

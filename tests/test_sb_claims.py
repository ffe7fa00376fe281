"""Spectral-bias claim checks on small synthetic tables."""

import numpy as np
import pandas as pd

from netspectra.papers.sb import claims


def holds(rows, claim_start=""):
    return [r["holds"] for r in rows if (r["claim"] or "").startswith(claim_start)]


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

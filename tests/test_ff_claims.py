"""Fourier-features claim checks on small synthetic tables."""

import pandas as pd

from netspectra.papers.ff import claims


def holds(rows, claim_start=""):
    return [r["holds"] for r in rows if (r["claim"] or "").startswith(claim_start)]


def test_ff_fig1_psnr_order():
    def psnr(values):
        return pd.DataFrame([{"image": img, "mapping": m, "test_psnr": v + i}
                             for i, img in enumerate(["a", "b"]) for m, v in values.items()])

    good = psnr({"none": 15, "basic": 18, "positional": 24, "gaussian": 25})
    assert holds(claims.ff_fig1({"psnr": good}, {})) == [True]
    bad = psnr({"none": 15, "basic": 26, "positional": 24, "gaussian": 25})
    assert holds(claims.ff_fig1({"psnr": bad}, {})) == [False]

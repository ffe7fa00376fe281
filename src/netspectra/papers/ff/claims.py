"""Claim checks of Fourier Features: one function per figure id, ``(tables, params) -> rows``."""

from __future__ import annotations

import math

import numpy as np

from netspectra.claims import (
    INCREASING,
    Row,
    Tables,
    check,
    last_rows,
    order_margin,
    spearman,
)

FF_ORDER = ("gaussian", "positional", "basic", "none")


def ff_fig1(t: Tables, p: dict) -> list[Row]:
    psnr = t["psnr"].groupby("mapping").test_psnr.mean()
    return [check(None, "smallest gap in mean test PSNR over images between adjacent mappings of the "
                  "order Gaussian, positional, basic, none [dB]", order_margin(psnr.to_dict(), FF_ORDER), ">=", 0.0)]


def ff_fig2(t: Tables, p: dict) -> list[Row]:
    s = t["spectra"]
    s = s[(s.kernel == "power_law") & (s.frequency > 0)]  # the mappings a_j = j^-p, b_j = j
    if (s.kind == "analytic").any():
        s = s[s.kind == "analytic"]
    s = s.assign(fm=s.frequency * s.magnitude)
    g = s.groupby("exponent")[["fm", "magnitude"]].sum()
    width = g.fm / g.magnitude
    return [check(None, "Spearman ρ(exponent p, magnitude-weighted mean frequency of the NTK row's "
                  "spectrum), analytic kernel", spearman(width.index, width.to_numpy()), "<", -INCREASING)]


def ff_fig3(t: Tables, p: dict) -> list[Row]:
    res = t["residuals"]
    res = res[res.exponent.notna()]
    res = res[res.source == "network"]  # not the NTK theory curves
    top = res[res.frequency == res.frequency.max()].groupby("exponent").amplitude.mean()
    curves = t["curves"]
    curves = curves[curves.exponent.notna() & (curves.split == "test")]
    curves = curves[curves.source == "network"]
    test = last_rows(curves, ["exponent"]).groupby("exponent").mse.mean()
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

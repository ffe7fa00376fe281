"""Claim checks of Fourier Features: one function per figure id, ``(tables, params) -> rows``.

Every check measures the paper's claim with a threshold set by the paper's effect (and a margin); where the
paper separates cases (natural and text images, analytic and empirical kernels) each case gets its own row.
"""

from __future__ import annotations

import math

import numpy as np

from netspectra.claims import Row, Tables, check, per
from netspectra.claims import spearman as _spearman

FF_ORDER = ("gaussian", "positional", "basic", "none")
# ff-fig1: the smallest gap between adjacent mappings in the paper's Table 1 is about 0.6 dB on natural images
# (Gaussian 25.6 vs positional 25.0) and about 2 dB on text (basic 20.5 vs none 18.4); half of it is the margin.
PSNR_GAP = {"natural": 0.3, "text": 1.0}
ORDER = 0.8  # Spearman ρ of a monotone relation the paper shows over its exponents p (ρ = ±1), one swap allowed
OVERFIT = 2.0  # ff-fig3: the lowest p's test error at least twice the best p's (paper Fig. 3: visibly noisy fit)


def na(claim: str | None, statistic: str, comparison: str, threshold: float, reason: str) -> Row:
    return check(claim, statistic, math.nan, comparison, threshold, reason)


def spearman(x, y) -> float:
    """Spearman's ρ rounded to 9 digits, so that an order exactly at a threshold (e.g. ρ = 0.8) compares as equal."""
    return round(_spearman(x, y), 9)


def ff_fig1(t: Tables, p: dict) -> list[Row]:
    """Per kind of image (natural, text): the smallest gap in mean test PSNR between adjacent mappings of the
    order Gaussian > positional > basic > none exceeds half the paper's smallest gap for that kind."""
    psnr = t["psnr"]
    rows = []
    for kind, g in psnr.groupby("kind", sort=False):
        mean = g.groupby("mapping").test_psnr.mean()
        gaps = {f"{a} − {b}": mean[a] - mean[b] for a, b in zip(FF_ORDER, FF_ORDER[1:]) if a in mean and b in mean}
        value = min(gaps.values()) if len(gaps) == len(FF_ORDER) - 1 else math.nan
        rows.append(check(f"test PSNR on {kind} images: Gaussian > positional encoding > basic > no mapping",
                          f"smallest gap in mean test PSNR over the {kind} images between adjacent mappings of the "
                          "order Gaussian, positional, basic, none [dB]", value, ">", PSNR_GAP.get(kind, 0.3),
                          f"{g.image.nunique()} image(s); gaps " + per(gaps) + "; PSNR " + per(mean, "mapping")))
    return rows


def ff_fig2(t: Tables, p: dict) -> list[Row]:
    """Per kind of kernel (analytic, empirical): ρ(exponent p, magnitude-weighted mean frequency of the NTK
    row's spectrum) < −0.8."""
    s = t["spectra"]
    s = s[(s.kernel == "power_law") & (s.frequency > 0)]  # the mappings a_j = j^-p, b_j = j
    rows = []
    for kind, g in s.groupby("kind", sort=False):
        g = g.assign(fm=g.frequency * g.magnitude)
        sums = g.groupby("exponent")[["fm", "magnitude"]].sum()
        width = sums.fm / sums.magnitude
        rows.append(check(f"a lower exponent p gives a wider NTK spectrum ({kind} kernel)", "Spearman ρ(exponent p, "
                          f"magnitude-weighted mean frequency of the NTK row's spectrum), {kind} kernel",
                          spearman(width.index, width.to_numpy()), "<", -ORDER, "mean frequency " + per(width, "p")))
    return rows


def ff_fig3(t: Tables, p: dict) -> list[Row]:
    """ρ(p, mean training residual at the highest followed frequency) ≥ 0.8, and the lowest p overfits: it fits
    its training points (train MSE ≤ ½ its test MSE) and its test MSE is ≥ 2 × the best p's."""
    res = t["residuals"]
    res = res[res.exponent.notna() & (res.source == "network")]  # the p family, not the NTK theory curves
    top = res[res.frequency == res.frequency.max()].groupby("exponent").amplitude.mean()
    curves = t["curves"]
    curves = curves[curves.exponent.notna() & (curves.source == "network")]
    final = curves[curves.step == curves.step.max()].pivot_table(index="exponent", columns="split", values="mse")
    rows = [check("a wider spectrum (lower p) fits the high frequencies faster", "Spearman ρ(p, mean training residual "
                  "over steps at the highest followed frequency)", spearman(top.index, top.to_numpy()), ">=", ORDER,
                  "residual " + per(top, "p"))]
    claim, stat = "a too wide spectrum overfits", "final test MSE at the lowest p / best final test MSE over p"
    if len(final) < 2:
        return rows + [na(claim, stat, ">=", OVERFIT, "needs at least two exponents")]
    lowest, best = final.index.min(), final.test.idxmin()
    note = f"lowest p {lowest:g}: train {final.train[lowest]:.3g}, test {final.test[lowest]:.3g}; best test at p " \
           f"{best:g}: train {final.train[best]:.3g}, test {final.test[best]:.3g}"
    if final.train[lowest] * OVERFIT > final.test[lowest]:
        return rows + [na(claim, stat, ">=", OVERFIT, f"the lowest p does not fit its training points {OVERFIT:g}× "
                          "better than the held-out ones: a high test error is then under-fitting, not over-fitting; "
                          + note)]
    return rows + [check(claim, stat, final.test[lowest] / final.test[best], ">=", OVERFIT, note)]


def ff_fig4(t: Tables, p: dict) -> list[Row]:
    """One curve: per signal family, one quadratic in log10(RMS frequency) explains log10(test MSE) of every
    distribution (R² > 0.8); under-/over-fit: every (family, distribution)'s best scale is interior."""
    s = t["sweep"]
    s = s[s.generator != "dense"]
    cell = s.groupby(["signal_exponent", "generator", "scale"]).agg(
        x=("frequency_rms", lambda v: np.log10(v).mean()),
        y=("test_mse", lambda v: np.log10(v.clip(lower=1e-30)).mean())).reset_index()
    r2, interior = {}, []
    for alpha, family in cell.groupby("signal_exponent"):
        if family.scale.nunique() >= 3:
            coef = np.polyfit(family.x, family.y, 2)
            resid = family.y - np.polyval(coef, family.x)
            r2[f"α={alpha:g}"] = 1 - (resid**2).sum() / ((family.y - family.y.mean()) ** 2).sum()
            for _, curve in family.groupby("generator"):
                best = int(np.argmin(curve.sort_values("scale").y.to_numpy()))
                interior.append(0 < best < len(curve) - 1)
    return [
        check("every frequency distribution traces one curve", "min over signal families of the R² of one quadratic "
              "in log10(RMS frequency) fitted to log10(test MSE) of all distributions",
              min(r2.values(), default=math.nan), ">", 0.8, "R² " + per(r2) if r2 else "fewer than 3 scales"),
        check("under-fit at low std, over-fit at high std", "fraction of (family, distribution) curves whose lowest "
              "test error lies strictly inside the scale range", np.mean(interior) if interior else math.nan,
              ">=", 1.0),
    ]

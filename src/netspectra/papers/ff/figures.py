"""Fourier Features figures (ff-fig1 … ff-fig4), each drawn from the tables of its rule (experiments.py).

Each function takes DataFrames with the columns of the ``ff_*`` schemas and returns a matplotlib figure;
``scale`` (quick | paper) goes into the title."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from netspectra import style  # noqa: F401  (sets the theme and the Agg backend)

MAPPING_ORDER = ("none", "basic", "positional", "gaussian")
MAPPING_NAMES = {"none": "no mapping", "basic": "basic", "positional": "positional enc.", "gaussian": "Gaussian RFF"}
MAPPING_COLORS = dict(zip(MAPPING_ORDER, ("0.3", "tab:blue", "tab:orange", "tab:green")))
GENERATOR_NAMES = {"gaussian": "Gaussian", "uniform": "uniform", "uniform_log": "uniform log", "laplace": "Laplacian"}
GENERATOR_COLORS = {"gaussian": "tab:orange", "uniform": "tab:olive", "uniform_log": "tab:green", "laplace": "tab:blue"}


def _exponent_colors(exponents) -> dict[float, tuple]:
    """Colours from low p (wide kernel spectrum, warm) to p = ∞ (cool)."""
    exps = sorted(exponents, key=lambda p: (math.isinf(p), p))
    cmap = plt.get_cmap("plasma")
    return {p: cmap(0.85 * i / max(len(exps) - 1, 1)) for i, p in enumerate(exps)}


def _p_text(p: float) -> str:
    return r"$p=\infty$" if math.isinf(p) else f"$p={p:g}$"


def _label_color(label: str, colors: dict[float, tuple]):
    if label == "none":
        return "0.2"
    p = math.inf if label == "p=inf" else float(label.split("=")[1])
    return colors[p]


def _label_text(label: str) -> str:
    if label == "none":
        return "no mapping"
    return _p_text(math.inf if label == "p=inf" else float(label.split("=")[1]))


# --------------------------------------------------------------------------------------------------- fig1
def image_regression(psnr: pd.DataFrame, outputs: pd.DataFrame, curves: pd.DataFrame, *, scale: str) -> plt.Figure:
    """ff-fig1. Rows: images; columns: ground truth, one output per mapping (test PSNR in the title), PSNR curves."""
    images = list(dict.fromkeys(outputs["image"]))
    mappings = [m for m in MAPPING_ORDER if m in set(psnr["mapping"])]
    ncol = len(mappings) + 2
    fig, axes = plt.subplots(len(images), ncol, figsize=(2.3 * ncol + 1.5, 2.4 * len(images) + 0.6), squeeze=False,
                             gridspec_kw={"width_ratios": [1] * (ncol - 1) + [1.6]})
    for r, image in enumerate(images):
        rows = outputs[outputs["image"] == image].set_index("mapping")
        for c, mapping in enumerate(["target", *mappings]):
            ax = axes[r, c]
            row = rows.loc[mapping]
            size = int(row["size"])
            ax.imshow(np.clip(np.asarray(row["values"], dtype=float).reshape(size, size, 3), 0, 1),
                      interpolation="nearest")
            ax.set_xticks([]), ax.set_yticks([])
            if mapping == "target":
                ax.set_title(f"ground truth\n{image} ({row['kind']}, {size}²)", fontsize=9)
            else:
                p = psnr[(psnr["image"] == image) & (psnr["mapping"] == mapping)].iloc[0]
                ax.set_title(f"{MAPPING_NAMES[mapping]}\ntest PSNR {p['test_psnr']:.1f} dB", fontsize=9)
        ax = axes[r, -1]
        for mapping in mappings:
            cur = curves[(curves["image"] == image) & (curves["mapping"] == mapping)].sort_values("step")
            ax.plot(cur["step"], cur["test_psnr"], color=MAPPING_COLORS[mapping], label=MAPPING_NAMES[mapping])
        ax.set_xlabel("Adam step")
        ax.set_ylabel("test PSNR (dB)")
        if r == 0:
            ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(f"ff-fig1 · RGB from pixel coordinates, trained on pixels [::2, ::2], tested on [1::2, 1::2] "
                 f"(scale: {scale})", fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------------- fig2
def ntk_spectra(kernels: pd.DataFrame, spectra: pd.DataFrame, *, scale: str) -> plt.Figure:
    """ff-fig2. (a) raw NTK, (b) NTK with the basic mapping, (c) rows k(x, 0) for several p, (d) their spectra.
    Solid lines: analytic NTK; markers: empirical NTK of finite networks (when computed)."""
    fig, axes = plt.subplots(1, 4, figsize=(17, 4.0), gridspec_kw={"width_ratios": [1, 1, 1.3, 1.3]})
    for ax, name, title in ((axes[0], "none", "(a) no mapping: NTK(x, x')"),
                            (axes[1], "basic", "(b) basic mapping: NTK(γ(x), γ(x'))")):
        k = kernels[(kernels["kernel"] == name) & (kernels["kind"] == "analytic")]
        mat = k.pivot(index="x1", columns="x2", values="value")
        lo, hi = float(mat.index.min()), float(mat.index.max())
        im = ax.imshow(mat.to_numpy(), cmap="inferno", origin="upper", extent=[lo, hi, hi, lo])
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="NTK value")
        ax.set_xlabel("x'")
        ax.set_ylabel("x")
        ax.set_title(title, fontsize=10)
        ax.grid(False)
    rows = kernels[kernels["kernel"] == "power_law"]
    colors = _exponent_colors(rows["exponent"].unique())
    for p, color in colors.items():
        for kind, style_kw in (("analytic", dict(lw=2)), ("empirical", dict(ls="none", marker="o", ms=3))):
            r = rows[(rows["exponent"] == p) & (rows["kind"] == kind)].sort_values("x1")
            if len(r):
                label = _p_text(p) if kind == "analytic" else None
                axes[2].plot(r["x1"], r["value"], color=color, label=label, **style_kw)
            s = spectra[(spectra["exponent"] == p) & (spectra["kind"] == kind)].sort_values("frequency")
            if len(s):
                axes[3].semilogy(s["frequency"], s["magnitude"], color=color, **style_kw)
    axes[2].set_xlabel("x (distance to x' = 0)")
    axes[2].set_ylabel("NTK(γ(x), γ(0))")
    axes[2].set_title(r"(c) NTK rows, mapping $a_j=j^{-p}$, $b_j=j$", fontsize=10)
    axes[2].legend(fontsize=8)
    axes[3].set_xlabel("frequency (cycles per unit x)")
    axes[3].set_ylabel("|DFT| of the NTK row")
    axes[3].set_title("(d) NTK Fourier spectrum", fontsize=10)
    if (kernels["kind"] == "empirical").any():
        axes[3].plot([], [], "o", color="0.5", ms=3, ls="none", label="empirical NTK (mean of networks)")
        axes[3].plot([], [], "-", color="0.5", lw=2, label="analytic NTK")
        axes[3].legend(fontsize=8)
    fig.suptitle(f"ff-fig2 · NTK of a ReLU MLP with scalar input, standard parameterisation (scale: {scale})",
                 fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------------- fig3
def kernel_regression_fits(curves: pd.DataFrame, residuals: pd.DataFrame, functions: pd.DataFrame, *, plot_labels,
              scale: str) -> plt.Figure:
    """ff-fig3. (a) final fitted functions, (b) test and (c) train MSE over SGD steps (network solid, NTK theory
    dashed), (d–f) |DFT| of the training residual at a low, mid and high frequency."""
    labels = list(dict.fromkeys(curves["label"]))
    colors = _exponent_colors([float(p) for p in curves["exponent"].dropna().unique()])
    fig = plt.figure(figsize=(17, 7.5))
    grid = fig.add_gridspec(2, 4)
    ax = fig.add_subplot(grid[0, :2])
    target = functions[functions["label"] == "target"].sort_values("x")
    ax.plot(target["x"], target["value"], color="k", lw=2.5, alpha=0.6, label="target signal")
    for label in plot_labels:
        f = functions[functions["label"] == label].sort_values("x")
        if len(f):
            ax.plot(f["x"], f["value"], color=_label_color(label, colors), lw=1.5, label=_label_text(label))
    tr = target[target["train"]]
    ax.scatter(tr["x"], tr["value"], s=30, facecolor="w", edgecolor="k", zorder=3, label="training points")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("(a) final learned functions", fontsize=10)
    ax.legend(fontsize=8, ncol=3, loc="lower left")
    for ax, split, title in ((fig.add_subplot(grid[0, 2]), "test", "(b) test loss"),
                             (fig.add_subplot(grid[0, 3]), "train", "(c) train loss")):
        for label in labels:
            for source, ls in (("network", "-"), ("theory", "--")):
                c = curves[(curves["label"] == label) & (curves["split"] == split) & (curves["source"] == source)]
                if len(c):
                    ax.semilogy(c["step"], c["mse"], ls=ls, color=_label_color(label, colors),
                                label=_label_text(label) if source == "network" else None)
        ax.set_xlabel("SGD step")
        ax.set_ylabel("mean squared error")
        ax.set_title(title, fontsize=10)
    ax.plot([], [], "-", color="0.6", label="network")
    ax.plot([], [], "--", color="0.6", label="NTK theory")
    ax.legend(fontsize=7, ncol=2)
    freqs = sorted(residuals["frequency"].unique())
    for i, (k, name) in enumerate(zip(freqs, ("low", "mid", "high") if len(freqs) == 3 else [""] * len(freqs))):
        if i >= 4:
            break
        ax = fig.add_subplot(grid[1, i])
        for label in labels:
            for source, ls in (("network", "-"), ("theory", "--")):
                r = residuals[(residuals["label"] == label) & (residuals["frequency"] == k)
                              & (residuals["source"] == source)]
                if len(r):
                    ax.semilogy(r["step"], r["amplitude"], ls=ls, color=_label_color(label, colors))
        ax.set_xlabel("SGD step")
        ax.set_ylabel("|DFT| of train residual")
        ax.set_title(f"({'def'[i] if i < 3 else 'g'}) {name} frequency k = {k} (cycles per unit x)".replace("  ", " "),
                     fontsize=10)
    fig.suptitle(f"ff-fig3 · SGD regression of a 1/f signal through the mappings $a_j=j^{{-p}}$, $b_j=j$ "
                 f"(scale: {scale})", fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------------- fig4
def sparse_frequency_sweep(sweep: pd.DataFrame, *, scale: str) -> plt.Figure:
    """ff-fig4. One panel per 1/f^α family: test MSE of every network vs the RMS of its sampled frequencies,
    coloured by generator; dashed line and band: dense features (mean ± std over signals)."""
    alphas = sorted(sweep["signal_exponent"].unique())
    fig, axes = plt.subplots(1, len(alphas), figsize=(5.2 * len(alphas), 4.0), squeeze=False)
    for ax, alpha in zip(axes[0], alphas):
        d = sweep[sweep["signal_exponent"] == alpha]
        for gen in [g for g in GENERATOR_NAMES if g in set(d["generator"])]:
            g = d[d["generator"] == gen]
            ax.scatter(g["frequency_rms"], g["test_mse"], s=14, alpha=0.75, color=GENERATOR_COLORS[gen],
                       label=GENERATOR_NAMES[gen])
        dense = d[d["generator"] == "dense"]
        if len(dense):
            mean, std = dense["test_mse"].mean(), dense["test_mse"].std(ddof=0)
            ax.axhline(mean, color="k", ls="--", lw=1.5, label="dense features (mean ± std)")
            ax.axhspan(max(mean - std, 1e-12), mean + std, color="k", alpha=0.1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("RMS of sampled frequencies (cycles per unit x)")
        ax.set_ylabel("test mean squared error")
        dense_p = f", dense baseline $p={dense['dense_exponent'].iloc[0]:g}$" if len(dense) else ""
        ax.set_title(rf"$1/f^{{{alpha:g}}}$ noise signals{dense_p}", fontsize=10)
    axes[0][0].legend(fontsize=8)
    n = int(sweep.groupby("signal_exponent")["signal"].nunique().max())
    fig.suptitle(f"ff-fig4 · sparse random Fourier features, one dot per network: under-fitting at low, over-fitting "
                 f"at high frequency spread ({n} signals per family; scale: {scale})", fontsize=10)
    fig.tight_layout()
    return fig

"""Figures of Ringing ReLUs: Chebyshev coefficients, per-layer spectra, h against depth."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

# Coefficients below this are zero up to rounding (e.g. the odd coefficients of |x|-like functions).
COEFFICIENT_FLOOR = 1e-14


def chebyshev_coefficients(coefs: pd.DataFrame, activations: list[str] | None = None) -> plt.Figure:
    """|t_j| over order j on a log axis, one panel per interval, one line per activation."""
    if activations is not None:
        coefs = coefs[coefs.activation.isin(activations)]
    coefs = coefs[coefs.abs_coefficient > COEFFICIENT_FLOOR]
    intervals = list(dict.fromkeys(coefs.interval))
    fig, axes = plt.subplots(1, len(intervals), figsize=(5 * len(intervals), 3.8), squeeze=False, sharey=True)
    for ax, interval in zip(axes[0], intervals):
        sns.lineplot(coefs[coefs.interval == interval], x="order", y="abs_coefficient", hue="activation",
                     marker="o", ax=ax, legend=ax is axes[0, -1])
        ax.set(yscale="log", xlabel="Chebyshev order j", ylabel="|coefficient t_j|", title=f"interval {interval}")
    if axes[0, -1].get_legend():
        sns.move_legend(axes[0, -1], "upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    return fig


def chebyshev_approximations(approx: pd.DataFrame) -> plt.Figure:
    """Each activation and its Chebyshev interpolant on the interval, small multiples."""
    names = list(dict.fromkeys(approx.activation))
    cols = min(5, len(names))
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3 * cols, 2.6 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        d = approx[approx.activation == name]
        ax.plot(d.x, d.value, color="k", lw=2.5, alpha=0.4, label="activation")
        ax.plot(d.x, d.approximation, color="C3", lw=1, label="Chebyshev interpolant")
        ax.set(title=name, xlabel="pre-activation x")
    for ax in axes.flat[len(names):]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def _panel_title(col: str, cval, row: str | None, rval) -> str:
    def part(name, value):
        if name == "shortcut":
            return "shortcut" if value else "no shortcut"
        return f"{name} {value}" if name != "activation" else str(value)

    return part(col, cval) if row is None else f"{part(col, cval)}, {part(row, rval)}"


def layer_spectra(spectra: pd.DataFrame, ylabel: str, col: str = "activation", row: str | None = "shortcut") -> plt.Figure:
    """Mean power spectrum (over inits and directions) per layer, coloured shallow blue to deep red.

    One panel per value of the table's column ``col`` (and rows per value of ``row``, if given).
    """
    keys = [col] + ([row] if row else [])
    mean = spectra.groupby(keys + ["layer", "k"], as_index=False).power.mean()
    cols = list(dict.fromkeys(mean[col]))
    rows = sorted(mean[row].unique()) if row else [None]
    fig, axes = plt.subplots(len(rows), len(cols), figsize=(3.6 * len(cols), 3.0 * len(rows)),
                             squeeze=False, sharex=True, sharey=True)
    layers = np.sort(mean.layer.unique())
    norm = Normalize(layers.min(), layers.max())
    cmap = plt.get_cmap("coolwarm")
    for i, rval in enumerate(rows):
        for j, cval in enumerate(cols):
            ax = axes[i, j]
            d = mean[(mean[col] == cval) & ((mean[row] == rval) if row else True)]
            for layer, g in d.groupby("layer"):
                ax.plot(g.k, g.power, color=cmap(norm(layer)), lw=0.8)
            ax.set(xscale="log", yscale="log", title=_panel_title(col, cval, row, rval))
            if i == len(rows) - 1:
                ax.set_xlabel("frequency k (cycles per path)")
            if j == 0:
                ax.set_ylabel(ylabel)
    fig.colorbar(ScalarMappable(norm, cmap), ax=axes, label="layer (1 = first unit)", shrink=0.8)
    return fig


def h_versus_depth(fits: pd.DataFrame) -> plt.Figure:
    """Mean ± std of h of the last layer over initialisations × directions, against depth."""
    fits = fits.copy()
    fits["network"] = np.where(fits.shortcut, "shortcut", "no shortcut")
    if "init_scheme" in fits:
        delta = fits.init_scheme == "delta_orthogonal"
        fits.loc[delta, "network"] = fits.loc[delta, "network"] + ", delta-orthogonal"
    acts = list(dict.fromkeys(fits.activation))
    fig, axes = plt.subplots(1, len(acts), figsize=(4 * len(acts), 3.6), squeeze=False, sharey=True)
    for ax, act in zip(axes[0], acts):
        sns.lineplot(fits[fits.activation == act], x="depth", y="h", hue="network", errorbar="sd",
                     marker="o", ax=ax, legend=ax is axes[0, -1])
        ax.set(title=act, xlabel="depth L (units)", ylabel="fractal coefficient h of the last layer")
    if axes[0, -1].get_legend():
        sns.move_legend(axes[0, -1], "upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    return fig

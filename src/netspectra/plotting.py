"""Drawing the library's tables: heat maps of a spectrum over training, h per layer.

:func:`heatmap` and :func:`extent` are the generic pieces the sb- figures draw with (moved here from
``papers/sb/figures.py`` so that a user's own ``sb_spectrum`` table draws exactly like sb-fig1);
:func:`plot_spectrum` and :func:`plot_roughness` draw the tables of :class:`netspectra.SpectrumRecorder` /
:func:`netspectra.input_spectrum` and :func:`netspectra.roughness` on a new figure (or a given axis) and return
the Figure. Importing this module does not pick a matplotlib backend or theme (``netspectra.style`` does, for
the pipeline), so it leaves a notebook's settings alone.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

SPECTRUM_CMAP = "viridis"


def extent(xs, ys) -> tuple[float, float, float, float]:
    """``imshow`` extent whose cells are centred on the (evenly spaced) values ``xs`` and ``ys``."""

    def edges(v):
        v = np.asarray(v, dtype=float)
        d = (v[1] - v[0]) if len(v) > 1 else 1.0
        return v[0] - d / 2, v[-1] + d / 2

    (x0, x1), (y0, y1) = edges(xs), edges(ys)
    return (x0, x1, y0, y1)


def heatmap(ax, table: pd.DataFrame, x: str, y: str, value: str, *, vmin=0.0, vmax=1.0, cmap=SPECTRUM_CMAP,
            origin="lower"):
    """Mean of ``value`` over the other columns on the (y, x) grid as an image; returns the image."""
    grid = table.groupby([y, x])[value].mean().unstack(x).sort_index()
    xs, ys = grid.columns.to_numpy(), grid.index.to_numpy()
    im = ax.imshow(grid.to_numpy(), aspect="auto", origin=origin, vmin=vmin, vmax=vmax, cmap=cmap,
                   interpolation="nearest", extent=extent(xs, ys))
    ax.grid(False)
    return im


def _axis(ax, figsize):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def plot_spectrum(table: pd.DataFrame, *, value: str | None = None, ax=None, title: str | None = None) -> plt.Figure:
    """sb-fig1-style heat map of a spectrum recorded during training: frequency k × training step.

    ``table``: the long ``sb_spectrum`` table of :class:`netspectra.SpectrumRecorder` (or the sb pipeline's),
    averaged over ``run``/``replicate``. ``value``: ``normalised_amplitude`` (|f̃(k)| over the target's
    amplitude at k, clipped to [0, 1]; the default when the table has it) or ``amplitude`` (|f̃(k)|, linear
    colour scale from 0 to its largest value; the default for tables recorded without a target). A table
    without ``step`` (one :func:`netspectra.input_spectrum`) is drawn as amplitude over k instead.
    """
    if value is None:
        has_target = "normalised_amplitude" in table and table["normalised_amplitude"].notna().any()
        value = "normalised_amplitude" if has_target else "amplitude"
    if value not in table:
        raise ValueError(f"plot_spectrum: the table has no column {value!r}; columns: {list(table.columns)}")
    if "step" not in table:
        return _plot_snapshot(table, ax=ax, title=title)
    fig, ax = _axis(ax, (6.2, 4.4))
    normalised = value == "normalised_amplitude"
    vmax = 1.0 if normalised else float(np.nanmax(table[value])) or 1.0
    im = heatmap(ax, table, "k", "step", value, vmin=0.0, vmax=vmax)
    ks = np.sort(table["k"].unique())
    if len(ks) <= 20:
        ax.set_xticks(ks)
    label = "$|\\tilde f(k)|/A_k$ (clipped to [0, 1])" if normalised else "$|\\tilde f(k)|$ (output units)"
    runs = table["run"].nunique() if "run" in table else 1
    ax.set_xlabel("frequency k (cycles along the input line / grid side)")
    ax.set_ylabel("training step")
    ax.set_title(title or f"spectrum of the network over training (mean over {runs} run{'s' * (runs > 1)})")
    fig.colorbar(im, ax=ax, label=label)
    return fig


def _plot_snapshot(table: pd.DataFrame, *, ax=None, title: str | None = None) -> plt.Figure:
    """Amplitude over k of one :func:`netspectra.input_spectrum` table (and the target's, when it has one)."""
    fig, ax = _axis(ax, (6.2, 4.0))
    t = table.sort_values("k")
    ax.plot(t["k"], t["amplitude"], marker="o", ms=3, label="network $|\\tilde f(k)|$")
    if "target_amplitude" in t and t["target_amplitude"].notna().any():
        ax.plot(t["k"], t["target_amplitude"], marker="x", ms=4, ls="--", color="0.3", label="target")
    ax.set_yscale("log")
    ax.set_xlabel("frequency k (cycles along the input line / grid side)")
    ax.set_ylabel("amplitude $|\\tilde f(k)|$ (output units)")
    ax.set_title(title or "spectrum of the network in input space")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_roughness(table: pd.DataFrame, *, by: str = "model", ax=None, title: str | None = None) -> plt.Figure:
    """h per layer (± its std over directions) of :func:`netspectra.roughness` tables, one line per ``by``.

    Dashed lines mark the estimator's floor (``floor_h``): the h a path that cannot be told from a smooth one
    gets; a layer on or above it shows no roughness this estimator can see. Smaller h = rougher.
    """
    fig, ax = _axis(ax, (1.2 + 0.7 * table["layer_name"].nunique(), 4.2))
    groups = list(table.groupby(by, sort=False)) if by in table else [(None, table)]
    colors = plt.get_cmap("tab10")(np.arange(len(groups)) % 10)
    names = list(dict.fromkeys(table["layer_name"]))
    for color, (key, g) in zip(colors, groups):
        g = g.set_index("layer_name").loc[[n for n in names if n in set(g["layer_name"])]]
        pos = [names.index(n) for n in g.index]
        label = "h" if key is None else f"{key}"
        ax.errorbar(pos, g["h"], yerr=g["h_std"].fillna(0.0), color=color, marker="o", capsize=3, label=label)
    if "floor_h" in table:
        for floor in sorted(table["floor_h"].round(6).unique()):
            ax.axhline(floor, color="0.4", ls="--", lw=1)
        ax.plot([], [], color="0.4", ls="--", lw=1, label="estimator floor (a smooth path)")
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_xlabel("layer (module name)")
    ax.set_ylabel("fractal coefficient h (smaller = rougher)")
    estimator = ", ".join(table["estimator"].unique()) if "estimator" in table else ""
    ax.set_title(title or f"roughness per layer{f' ({estimator} DFT)' if estimator else ''}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig

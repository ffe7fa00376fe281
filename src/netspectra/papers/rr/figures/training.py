"""Ringing ReLUs figures of the training experiments: accuracy curves (rr-fig8/10), trainability heatmaps
(rr-fig9)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Rectangle

from ..tables import trainability_cells

DIVERGED_HATCH = "xxx"


def _legend_label(label: str, runs: pd.DataFrame) -> str:
    n = runs.run.nunique()
    diverged = runs[runs.diverged].run.nunique()
    return f"{label} ({n} run{'s' * (n > 1)}" + (f", {diverged} diverged)" if diverged else ")")


def accuracy_curves(metrics: pd.DataFrame, title: str) -> plt.Figure:
    """Training (per logged interval) and validation (per epoch) accuracy, mean ± std over runs per label.

    A diverged run leaves the mean at its divergence, marked × on the training panel's bottom edge.
    """
    labels = list(dict.fromkeys(metrics.label))
    fig, (ax_train, ax_val) = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for i, label in enumerate(labels):
        d = metrics[metrics.label == label]
        color = f"C{i}"
        ok = d[~d.diverged]
        train = ok.dropna(subset=["train_accuracy"]).groupby("epoch_progress").train_accuracy.agg(["mean", "std"])
        val = ok.dropna(subset=["val_accuracy"]).groupby("epoch").val_accuracy.agg(["mean", "std"])
        name = _legend_label(label, d)
        for ax, curve, marker in ((ax_train, train, None), (ax_val, val, "o")):
            ax.plot(curve.index, 100 * curve["mean"], color=color, lw=1.2, marker=marker, ms=3, label=name)
            ax.fill_between(curve.index, 100 * (curve["mean"] - curve["std"].fillna(0)),
                            100 * (curve["mean"] + curve["std"].fillna(0)), color=color, alpha=0.2, lw=0)
        bad = d[d.diverged]
        if len(bad):
            ax_train.scatter(bad.epoch_progress, np.zeros(len(bad)), marker="x", color=color, s=40, clip_on=False,
                             zorder=5, label=f"{label}: diverged")
    ax_train.set(xlabel="epoch", ylabel="accuracy (%)", title="training accuracy (augmented batches)")
    ax_val.set(xlabel="epoch", title="validation accuracy (held-out images)")
    ax_train.set_ylim(0, 100)
    ax_val.legend(loc="lower right", fontsize=8)
    if any(metrics.diverged):
        ax_train.legend(loc="lower right", fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def training_curves(metrics: pd.DataFrame, fig_id: str, scale: str) -> plt.Figure:
    """rr-fig8/10: :func:`accuracy_curves` of the named networks of one training experiment, titled with the
    network, the number of epochs and the training data."""
    model = metrics.iloc[0]
    sources = "; ".join(dict.fromkeys(metrics.data_source))
    title = (f"{fig_id} ({scale} scale): {model.arch} depth {model.depth} v{model.version}, "
             f"{metrics.epoch.max()} epochs, mean ± std over runs\ndata: {sources}")
    return accuracy_curves(metrics, title)


def _panel(ax, table: pd.DataFrame, value: str, norm, cmap, fmt: str) -> plt.cm.ScalarMappable:
    """Heatmap depth (rows, deepest on top) × slope (columns); NaN cells with ``diverged`` are hatched."""
    depths = sorted(table.depth.unique())
    slopes = sorted(table.slope.unique())
    grid = (table.pivot_table(index="depth", columns="slope", values=value, dropna=False)
            .reindex(index=depths, columns=slopes))
    image = ax.imshow(grid.to_numpy(float), origin="lower", cmap=cmap, norm=norm, aspect="auto")
    diverged = (table.pivot_table(index="depth", columns="slope", values="diverged", aggfunc="any")
                .reindex(index=depths, columns=slopes).fillna(False).to_numpy(bool)
                if "diverged" in table else np.zeros(grid.shape, bool))
    for (r, c), v in np.ndenumerate(grid.to_numpy(float)):
        if diverged[r, c]:
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="0.85", edgecolor="0.3", hatch=DIVERGED_HATCH,
                                   lw=0))
            ax.text(c, r, "diverged", ha="center", va="center", fontsize=7,
                    bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=1))
        elif np.isfinite(v):
            rgba = image.cmap(image.norm(v))
            ax.text(c, r, format(v, fmt), ha="center", va="center", fontsize=8,
                    color="white" if 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2] < 0.5 else "black")
    ax.set_xticks(range(len(slopes)), [f"{s:g}" for s in slopes])
    ax.set_yticks(range(len(depths)), [str(d) for d in depths])
    ax.grid(False)
    return image


def trainability_heatmaps(accuracy: pd.DataFrame, h: pd.DataFrame, n_last: int, title: str) -> plt.Figure:
    """Row 1: training accuracy (%) per (depth, slope); row 2: mean h of the last layer at init.

    ``accuracy``: version, shortcut, depth, slope, train_accuracy (fraction; NaN if diverged), diverged.
    ``h``: version, shortcut, depth, slope, h. One column per (ResNet version, shortcut).
    """
    panels = sorted({(int(v), bool(s)) for v, s in zip(accuracy.version, accuracy.shortcut)})
    fig, axes = plt.subplots(2, len(panels), figsize=(3.3 * len(panels) + 1.2, 6.6), squeeze=False,
                             layout="constrained")
    acc = accuracy.assign(train_accuracy=100 * accuracy.train_accuracy)
    acc_norm = plt.Normalize(np.nanmin(acc.train_accuracy), np.nanmax(acc.train_accuracy))
    h_norm = plt.Normalize(np.nanmin(h.h), np.nanmax(h.h))
    for j, (version, shortcut) in enumerate(panels):
        name = f"ResNet v{version}, {'shortcut' if shortcut else 'no shortcut'}"
        for i, (table, value, norm, cmap, fmt) in enumerate((
                (acc, "train_accuracy", acc_norm, "viridis", ".1f"), (h, "h", h_norm, "magma", ".2f"))):
            ax = axes[i, j]
            image = _panel(ax, table[(table.version == version) & (table.shortcut == shortcut)], value, norm, cmap, fmt)
            ax.set_title(name, fontsize=9)
            ax.set_xlabel("LeakyReLU negative slope α")
            if j == 0:
                ax.set_ylabel("depth (layers)")
        if j == len(panels) - 1:
            fig.colorbar(image, ax=axes[1, :], label="h of the last layer at init", shrink=0.9)
    fig.colorbar(plt.cm.ScalarMappable(acc_norm, "viridis"), ax=axes[0, :],
                 label=f"training accuracy (%),\nmean of last {n_last} logged", shrink=0.9)
    fig.suptitle(title, fontsize=10)
    return fig


def trainability(metrics: pd.DataFrame, fits: pd.DataFrame, n_last: int, scale: str) -> plt.Figure:
    """rr-fig9: :func:`trainability_heatmaps` of the cells of :func:`..tables.trainability_cells` (a cell is
    hatched when any of its runs diverged; its accuracy is the mean over the others), titled with the training
    data and the spectra table h at init was fitted on (the fits table's provenance)."""
    accuracy, h = trainability_cells(metrics, fits, n_last)
    spectra_tables = [meta["config"]["spectra_table"] for meta in fits.attrs.get("provenance", [])]
    title = (f"rr-fig9 ({scale} scale): training for {metrics.epoch.max()} epochs on "
             f"{'; '.join(dict.fromkeys(metrics.data_source))};\nh at init from {fits.init.nunique()} init(s) × "
             f"{fits.direction.nunique()} direction(s) per cell ({'; '.join(spectra_tables)})")
    return trainability_heatmaps(accuracy, h, n_last, title)

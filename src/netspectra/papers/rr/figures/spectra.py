"""Ringing ReLUs figures of spectra and coefficients: Chebyshev coefficients and interpolants (rr-fig2/18/19),
per-layer spectra (rr-fig3/11/12/13/14/17), h against depth (rr-fig5/16), branch correlation (rr-fig6) and
last-layer spectra of two variants (rr-fig7)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

from netspectra.schemas import LOSS

from ..bands import gaussian_bands, independent_floor
from ..chebyshev import COEFFICIENT_FLOOR, interval_label
from ..tables import with_grid_column


def chebyshev_coefficients(coefs: pd.DataFrame, activations: list[str] | None = None,
                           interval: tuple[float, float] | None = None) -> plt.Figure:
    """|t_j| over order j on a log axis, one panel per interval, one line per activation.

    ``activations`` / ``interval`` (lo, hi): draw only those (default: every one in the table).
    """
    import seaborn as sns  # here, not at the top: it imports scipy.stats (0.8 s of every figure job)
    if activations is not None:
        coefs = coefs[coefs.activation.isin(activations)]
    if interval is not None:
        coefs = coefs[coefs.interval == interval_label(*interval)]
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


def chebyshev_approximations(approx: pd.DataFrame, interval: tuple[float, float]) -> plt.Figure:
    """Each activation and its Chebyshev interpolant on ``interval`` (lo, hi), small multiples."""
    approx = approx[approx.interval == interval_label(*interval)]
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


def layer_spectra(spectra: pd.DataFrame, ylabel: str, col: str = "activation",
                  row: str | None = "shortcut") -> plt.Figure:
    """Mean power spectrum (over inits and directions) per layer, coloured shallow blue to deep red.

    One panel per value of the table's column ``col`` (and rows per value of ``row``, if given); a grid value
    that the table keeps only in its variant ids (e.g. the radius) is read off them.
    """
    for key in filter(None, (col, row)):
        spectra = with_grid_column(spectra, key)
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
    note = _move_note(spectra, col)
    if note:  # above the panel titles (bbox_inches="tight" keeps it in the saved file)
        fig.suptitle(note.strip("; "), fontsize=9, y=1.0 + 0.08 / len(rows))
    return fig


def _move_note(table: pd.DataFrame, by: str) -> str:
    """"; a layer moves by …" from the tables' layer_move column (median over paths), per value of ``by``."""
    if "layer_move" not in table or table.layer_move.isna().all():
        return ""
    move = table.groupby(by).layer_move.median()
    percent = {v: f"{100 * m:.0f} %" if m >= 0.1 else f"{100 * m:.2g} %" for v, m in move.items()}
    if len(set(percent.values())) == 1:
        percent = dict(list(percent.items())[:1])
    values = ", ".join(p + (f" ({by} {v})" if len(percent) > 1 else "") for v, p in percent.items())
    return f"; at the path's end a layer has moved by {values} of its weights' norm (median)"


DIRECTION_PANELS = {"a": "power |z_k|², path-normalised", "b": "k²·|z_k|², path-normalised"}


def direction_panels(tables: dict[str, pd.DataFrame]) -> dict[str, plt.Figure]:
    """rr-fig3: per-layer spectra (a) along all-layer directions, path-normalised; (b) along first-layer
    directions, k²-weighted."""
    return {panel: layer_spectra(tables[panel], ylabel) for panel, ylabel in DIRECTION_PANELS.items()}


def during_training(tables: dict[str, pd.DataFrame], panels: dict[str, list[dict]],
                    scale: str) -> dict[str, plt.Figure]:
    """rr-fig11: per-layer spectra at the start of training and after it, one figure per panel (radius).

    ``tables[panel]`` holds the spectra of the path experiments ``panels[panel]`` (rows with experiment, epoch
    of the checkpoint and radius); one column per network, one row per epoch. The title names the images the
    paths were sampled on (the spectra tables' provenance).
    """
    figures = {}
    for panel, rows in panels.items():
        spectra = tables[panel]
        sources = [c.get("data_source", "?") for meta in spectra.attrs.get("provenance", [])
                   for c in meta["config"]["paths"]]
        spectra = spectra.assign(epoch=spectra.experiment.map({row["experiment"]: row["epoch"] for row in rows}))
        # One column per network: layer_spectra titles an "activation" value as it is.
        spectra["activation"] = (spectra.activation + ", "
                                 + spectra.shortcut.map({True: "shortcut", False: "no shortcut"}))
        fig = layer_spectra(spectra, "power |z_k|², path-normalised", col="activation", row="epoch")
        radius = ", ".join(dict.fromkeys(
            f"{row['radius_relative']:g} × the weights' norm" if row.get("radius_relative") else f"{row['radius']:g}"
            for row in rows))
        fig.suptitle(f"rr-fig11{panel} ({scale} scale): Toy-CNN spectra per layer at radius {radius}, "
                     f"rows = training epoch of the weights; path images: {'; '.join(dict.fromkeys(sources))}"
                     + _move_note(spectra, "epoch"), fontsize=10, y=1.04)
        figures[panel] = fig
    return figures


def h_versus_depth(fits: pd.DataFrame) -> plt.Figure:
    """Mean ± std of h over initialisations × directions against depth: one row per recorded path (the loss
    path first, then the last layer), one column per activation. The dashed line is the straight line's h
    (the plain DFT's floor): an h there is indistinguishable from a smooth path."""
    import seaborn as sns  # here, not at the top: it imports scipy.stats (0.8 s of every figure job)
    fits = fits.copy()
    fits["network"] = np.where(fits.shortcut, "shortcut", "no shortcut")
    if "init_scheme" in fits:
        delta = fits.init_scheme == "delta_orthogonal"
        fits.loc[delta, "network"] = fits.loc[delta, "network"] + ", delta-orthogonal"
    fits["recorded"] = np.where(fits.layer_name == LOSS, "loss path", "last layer")
    rows = [r for r in ("loss path", "last layer") if r in set(fits.recorded)]
    acts = list(dict.fromkeys(fits.activation))
    hue_order = list(dict.fromkeys(fits.sort_values("network").network))
    fig, axes = plt.subplots(len(rows), len(acts), figsize=(4 * len(acts), 3.4 * len(rows)), squeeze=False,
                             sharey=True)
    for i, recorded in enumerate(rows):
        for j, act in enumerate(acts):
            ax = axes[i, j]
            d = fits[(fits.activation == act) & (fits.recorded == recorded)]
            sns.lineplot(d, x="depth", y="h", hue="network", hue_order=hue_order, errorbar="sd", marker="o", ax=ax,
                         legend=(i, j) == (0, len(acts) - 1))
            ax.axhline(d.h_floor.iloc[0], color="0.4", ls="--", lw=0.9, label="straight line (plain DFT floor)")
            ax.set(title=f"{act}: {recorded}", xlabel="depth L (units)",
                   ylabel=f"fractal coefficient h of the {recorded}")
    if axes[0, -1].get_legend():
        sns.move_legend(axes[0, -1], "upper left", bbox_to_anchor=(1, 1))
    if "layer_move" in fits:
        move = fits.groupby("depth").layer_move.median()
        fig.suptitle(f"each layer moves by {100 * move.iloc[-1]:.0f} % (depth {move.index[-1]}) to "
                     f"{100 * move.iloc[0]:.0f} % (depth {move.index[0]}) of its weights' norm (median)", fontsize=9)
    fig.tight_layout()
    return fig


def branch_correlation_curves(corr: pd.DataFrame, hue: str = "activation", floor: np.ndarray | None = None,
                              hue_order: list | None = None) -> plt.Figure:
    """rr-fig6: mean |correlation| per frequency band (over images, units, blocks), one line per ``hue``;
    the band shows ± one standard deviation over directions. ``floor`` (per band): the level of
    independent paths, drawn dashed."""
    import seaborn as sns  # here, not at the top: it imports scipy.stats (0.8 s of every figure job)
    weighted = corr.assign(weighted=corr.mean_abs_correlation.fillna(0) * corr.n_pairs)
    per_direction = weighted.groupby([hue, "direction", "band_centre_k"], as_index=False)[["weighted", "n_pairs"]].sum()
    per_direction["r"] = per_direction.weighted / per_direction.n_pairs.where(per_direction.n_pairs > 0)
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    sns.lineplot(per_direction, x="band_centre_k", y="r", hue=hue, hue_order=hue_order, errorbar="sd", marker="o",
                 ax=ax)
    if floor is not None:
        centres = np.sort(corr.band_centre_k.unique())
        ax.plot(centres, floor, color="0.4", ls="--", lw=1, label="independent white noise")
        ax.legend(fontsize=8)
    ax.set(xlabel="band centre frequency k (cycles per path)",
           ylabel="mean |correlation| skip vs residual branch", ylim=(0, 1.02))
    fig.tight_layout()
    return fig


def last_layer_spectra(spectra_df: pd.DataFrame, ylabel: str, hue: str = "version",
                       ylabel_detrended: str | None = None) -> plt.Figure:
    """rr-fig7: mean power spectrum of the last layer (over inits and directions), one line per ``hue`` (left),
    and each line divided by the first, so that small differences at high k are visible (right); upper row
    the plain DFT (``power``), lower row detrended + Hann (``power_detrended``)."""
    label = (lambda v: f"v{v}") if hue == "version" else str
    estimators = [("power", ylabel, "plain DFT")]
    if "power_detrended" in spectra_df:
        estimators.append(("power_detrended", ylabel_detrended or "power (detrended, Hann)", "detrended + Hann"))
    fig, axes = plt.subplots(len(estimators), 2, figsize=(10, 3.6 * len(estimators)), squeeze=False)
    for (column, y_label, name), (ax, ax_r) in zip(estimators, axes):
        mean = spectra_df.groupby([hue, "k"], as_index=False)[column].mean()
        groups = list(mean.groupby(hue))
        reference_name, reference = groups[0]
        for i, (value, g) in enumerate(groups):
            ax.loglog(g.k, g[column], color=f"C{i}", lw=1.2, label=label(value))
            ax_r.semilogx(g.k, g[column].to_numpy() / reference[column].to_numpy(), color=f"C{i}", lw=1.2,
                          label=label(value))
        ax.set(xlabel="frequency k (cycles per path)", ylabel=y_label, title=name)
        ax_r.set(xlabel="frequency k (cycles per path)", ylabel=f"power relative to {label(reference_name)}",
                 title=name)
        ax.legend(title=hue)
    fig.tight_layout()
    return fig


def branch_correlation(corr: pd.DataFrame, activations: list[str], n_points: int, n_bins: int, band_width: float,
                       detrend: str, window: str) -> plt.Figure:
    """rr-fig6: :func:`branch_correlation_curves` with the level of independent white-noise paths, for the
    band filters (``n_bins``, ``band_width``) and tapering the correlations were measured with."""
    filters = gaussian_bands(n_points, n_bins, band_width)
    floor = independent_floor(filters, n_points, detrend=detrend, window=window)
    return branch_correlation_curves(corr, floor=floor, hue_order=activations)

"""Ringing ReLUs figures of single paths: rr-fig1 (one path while slope and ν sweep), rr-fig4 (the path of
median h) and rr-fig15 (one layer moved at a time)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

from netspectra import spectra
from netspectra.schemas import LOSS

PATH_XLABEL = "t (position along the path, |D| = 1)"


def _values(row: pd.Series) -> np.ndarray:
    return np.asarray(row["values"], dtype=np.float64)


def _t(row: pd.Series) -> np.ndarray:
    return np.linspace(0.0, row["radius"], len(row["values"]))


def _magnitude(values: np.ndarray, detrend: str = "none", window: str = "none") -> tuple[np.ndarray, np.ndarray]:
    return spectra.frequencies(len(values)), spectra.magnitude_spectrum(values, detrend, window)


def spectrum_label(detrend: str, window: str) -> str:
    """Axis label of a magnitude spectrum, naming the detrending and window applied before the DFT."""
    steps = [s for s, on in (("detrended", detrend == "linear"), ("Hann", window == "hann")) if on]
    return "|z_k|" + (f" ({', '.join(steps)})" if steps else "")


REGIMES = (("linear", 1.0, 0.0), ("ReLU, no shortcut", 0.0, 0.0), ("ReLU, shortcut (ResNet)", 0.0, 1.0))
ESTIMATOR_COLUMNS = {"plain": ("h", "intercept"), "detrended": ("h_detrended", "intercept_detrended")}
ESTIMATOR_OPTIONS = {"plain": ("none", "none"), "detrended": ("linear", "hann")}  # spectra.ESTIMATORS


def _first_paths(table: pd.DataFrame) -> pd.DataFrame:
    """The first direction's first recorded path of every (grid point, layer)."""
    first = table[table.direction == table.direction.min()] if "direction" in table else table
    return first.sort_values("path_index", kind="stable").groupby(["slope", "nu", "layer"]).head(1)


def transition_regimes(table: pd.DataFrame, estimator: str = "plain") -> plt.Figure:
    """rr-fig1a: per recorded layer (the loss path first, then the last layer), the path (upper row) and its
    magnitude spectrum with the power-law fit (lower row) in the three corner regimes.

    ``table`` holds one row per (slope, nu, direction, layer, path) with ``values``, ``radius`` and the fits of
    both estimators; ``estimator`` (plain | detrended) picks the spectrum and h shown. The first direction's
    first recorded path of every layer is shown.
    """
    first = _first_paths(table)
    layers = sorted(first.layer.unique(), reverse=True)  # the loss (after the last layer) first
    h_col, c_col = ESTIMATOR_COLUMNS[estimator]
    fig, axes = plt.subplots(2 * len(layers), len(REGIMES), figsize=(4.0 * len(REGIMES), 3.0 * 2 * len(layers)),
                             squeeze=False)
    for i, layer in enumerate(layers):
        for j, (label, slope, nu) in enumerate(REGIMES):
            row = first[np.isclose(first.slope, slope) & np.isclose(first.nu, nu) & (first.layer == layer)].iloc[0]
            v = _values(row)
            ax_p, ax_s = axes[2 * i, j], axes[2 * i + 1, j]
            ax_p.plot(_t(row), v, color="C0", lw=1)
            ax_p.set(title=f"{label}\nslope {slope:g}, ν {nu:g}", xlabel=PATH_XLABEL)
            k, mag = _magnitude(v, *ESTIMATOR_OPTIONS[estimator])
            ax_s.loglog(k, mag, color="C0", lw=1, label="|z_k|")
            fit_k = k[(k >= row["k_min"]) & (k <= row["k_max"])]
            ax_s.loglog(fit_k, np.exp(row[c_col]) * fit_k ** (-row[h_col]), color="C3", lw=1.2, label="power-law fit")
            floor = row["h_floor" if estimator == "plain" else "h_detrended_floor"]
            ax_s.set(xlabel="frequency k (cycles per path)", title=f"h = {row[h_col]:.2f} (straight line: {floor:.2f})")
            if j == 0:
                loss = row["layer_name"] == LOSS
                ax_p.set_ylabel("loss (cross-entropy of the batch)" if loss else f"{row['layer_name']} output")
                ax_s.set_ylabel(spectrum_label(*ESTIMATOR_OPTIONS[estimator]))
    axes[1, -1].legend(fontsize=8)
    fig.tight_layout()
    return fig


def transition_grid(table: pd.DataFrame, estimator: str = "plain") -> plt.Figure:
    """rr-fig1b: small multiples of the same loss path over (slope, ν); each panel notes the path's h.

    Every path is shown minus its mean and divided by its standard deviation, so the panels compare
    shape (roughness), not scale. Columns: slope (0 = ReLU … 1 = linear); rows: ν (0 = no shortcut,
    top … 1 = full shortcut, bottom). The loss path where it was recorded, else the first layer's path.
    """
    first = _first_paths(table)
    first = first[first.layer == first.layer.max()]
    h_col = ESTIMATOR_COLUMNS[estimator][0]
    slopes, nus = np.sort(first.slope.unique()), np.sort(first.nu.unique())
    fig, axes = plt.subplots(len(nus), len(slopes), figsize=(1.9 * len(slopes) + 0.6, 1.5 * len(nus) + 0.6),
                             sharex=True, sharey=True, squeeze=False)
    h_norm = Normalize(np.nanmin(first[h_col]), np.nanmax(first[h_col]))
    cmap = plt.get_cmap("viridis")
    for i, nu in enumerate(nus):
        for j, slope in enumerate(slopes):
            ax = axes[i, j]
            row = first[np.isclose(first.slope, slope) & np.isclose(first.nu, nu)].iloc[0]
            v = _values(row)
            ax.plot(_t(row), (v - v.mean()) / (v.std() or 1.0), color=cmap(h_norm(row[h_col])), lw=0.9)
            ax.text(0.03, 0.95, f"h={row[h_col]:.2f}", transform=ax.transAxes, va="top", fontsize=7)
            if i == 0:
                ax.set_title(f"slope {slope:g}", fontsize=9)
            if j == 0:
                ax.set_ylabel(f"ν {nu:g}\nstandardised", fontsize=8)
            if i == len(nus) - 1:
                ax.set_xlabel("t", fontsize=8)
            ax.tick_params(labelsize=7)
    label = f"fractal coefficient h of the {'loss ' if first.layer_name.iloc[0] == LOSS else ''}path ({estimator} DFT)"
    fig.colorbar(ScalarMappable(h_norm, cmap), ax=axes, label=label, shrink=0.7)
    return fig


def median_h_selection(fits: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """For every group of ``by``: the fit row whose h is the median (the lower middle one for even counts)."""
    fits = fits.dropna(subset=["h"]).sort_values(by + ["h"], kind="stable")
    groups = fits.groupby(by, sort=False)
    size = groups.h.transform("size")
    picks = fits[groups.cumcount() == (size - 1) // 2]
    return picks.assign(n_paths_ranked=size[picks.index]).reset_index(drop=True)


def median_paths(paths: pd.DataFrame, fits: pd.DataFrame, spectra_df: pd.DataFrame, col: str = "activation",
                 row: str = "shortcut", col_order: list | None = None, ylabel: str = "magnitude |z_k|",
                 title: str = "") -> plt.Figure:
    """rr-fig4: per (``col``, ``row``) variant, the path of median h (upper) and the magnitude spectrum
    the fit was made on, √power from ``spectra_df``, with the fitted power law and the detrended + Hann
    spectrum √power_detrended for comparison (lower); columns in ``col_order`` (default: as in the table).
    Needs one path per (variant, init, direction, layer) of one layer."""
    picks = median_h_selection(fits, [row, col])
    cols = col_order or list(dict.fromkeys(fits[col]))
    rows = sorted(fits[row].unique())
    fig, axes = plt.subplots(2 * len(rows), len(cols), figsize=(3.3 * len(cols), 2.5 * 2 * len(rows)), squeeze=False)
    key = ["variant", "init", "direction", "layer"]
    for i, rval in enumerate(rows):
        for j, cval in enumerate(cols):
            pick = picks[(picks[row] == rval) & (picks[col] == cval)].iloc[0]
            match = paths.set_index(key).loc[tuple(pick[key])]
            path = match.iloc[0] if isinstance(match, pd.DataFrame) else match
            v = _values(path)
            ax_p, ax_s = axes[2 * i, j], axes[2 * i + 1, j]
            rtitle = ("shortcut" if rval else "no shortcut") if row == "shortcut" else f"{row} {rval}"
            ax_p.plot(_t(path), v, lw=0.9)
            ax_p.set(title=f"{cval}, {rtitle}", xlabel=PATH_XLABEL)
            spec = spectra_df.set_index(key).loc[tuple(pick[key])].sort_values("k")
            k, mag = spec.k.to_numpy(), np.sqrt(spec.power.to_numpy())
            ax_s.loglog(k, mag, lw=0.9, label="|z_k| (plain DFT)")
            ax_s.loglog(k, np.sqrt(spec.power_detrended.to_numpy()), lw=0.7, color="0.6", label="detrended + Hann")
            fit_k = k[(k >= pick.k_min) & (k <= pick.k_max)]
            ax_s.loglog(fit_k, np.exp(pick.intercept) * fit_k ** (-pick.h), color="C3", lw=1.2,
                        label="power-law fit")
            ax_s.set(xlabel="frequency k (cycles per path)",
                     title=f"median h = {pick.h:.2f} (of {pick.n_paths_ranked}); detr. {pick.h_detrended:.2f}")
            if j == 0:
                ax_p.set_ylabel("loss" if path.get("layer_name") == LOSS else "last-layer output")
                ax_s.set_ylabel(ylabel)
    axes[1, -1].legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def loss_and_last_median_paths(paths: pd.DataFrame, fits: pd.DataFrame, spectra_df: pd.DataFrame,
                               col_order: list | None = None) -> dict[str, plt.Figure]:
    """rr-fig4: :func:`median_paths` of the loss path (panel a, the paper's) and of the last layer (panel b),
    with h of the plain DFT (the straight line's h is noted in the title)."""
    figures = {}
    for panel, is_loss in (("a", True), ("b", False)):
        def keep(t, is_loss=is_loss):
            return t[(t.layer_name == LOSS) == is_loss]

        f = keep(fits)
        if f.empty:
            continue
        what = "loss path" if is_loss else "last-layer path (one pooled unit of one image)"
        title = (f"rr-fig4{panel}: {what} of median h per network; straight line h = {f.h_floor.iloc[0]:.2f} "
                 f"(plain), {f.h_detrended_floor.iloc[0]:.2f} (detrended)")
        figures[panel] = median_paths(keep(paths), f, keep(spectra_df), col_order=col_order,
                                      ylabel="|z_k| (plain DFT)", title=title)
    return figures


def layerwise(paths: pd.DataFrame, spectra_df: pd.DataFrame, ylabel: str) -> plt.Figure:
    """rr-fig15: (left) one recorded output's path when each layer alone moves, minus its start value;
    (right) the path-normalised mean power spectrum per varied layer. Colour: varied layer, shallow
    blue to deep red."""
    layers = np.sort(paths.varied_layer.unique())
    norm = Normalize(layers.min(), layers.max())
    cmap = plt.get_cmap("coolwarm")
    fig, (ax_p, ax_s) = plt.subplots(1, 2, figsize=(11, 4.0), layout="constrained")
    first = paths[(paths.direction == paths.direction.min()) & (paths.path_index == paths.path_index.iloc[0])]
    for _, row in first.sort_values("varied_layer").iterrows():
        v = _values(row)
        ax_p.plot(_t(row), v - v[0], color=cmap(norm(row.varied_layer)), lw=0.8)
    ax_p.set(xlabel=PATH_XLABEL, ylabel="last-layer output minus its value at t = 0")
    mean = spectra_df.groupby(["varied_layer", "k"], as_index=False).power.mean()
    for layer, g in mean.groupby("varied_layer"):
        ax_s.plot(g.k, g.power, color=cmap(norm(layer)), lw=0.8)
    ax_s.set(xscale="log", yscale="log", xlabel="frequency k (cycles per path)", ylabel=ylabel)
    fig.colorbar(ScalarMappable(norm, cmap), ax=[ax_p, ax_s], label="varied layer (0 = input layer)", shrink=0.85)
    return fig


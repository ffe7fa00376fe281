"""F-Principle figures (fp-fig1 … fp-fig7), each drawn from the tables of its training rule.

Each function returns a matplotlib figure; ``tables`` maps table names (mnist, delta_f, spectra, losses,
snapshots, outputs, spectral_norms) to DataFrames with the columns of the ``fp_*`` schemas. Frequencies are
DFT bin indices (the paper's "frequency index").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import pyplot as plt

from netspectra import style

WEIGHT_COLOR, BIAS_COLOR = "tab:red", "tab:green"


def _std_label(df: pd.DataFrame) -> str:
    return f"init std (w, b) = ({df.weight_std.iloc[0]:g}, {df.bias_std.iloc[0]:g})"


def _source(df: pd.DataFrame) -> str:
    """The data a table was computed from (its ``data_source`` column), for titles."""
    return str(df.data_source.iloc[0]) if "data_source" in df else ""


def _runs(df: pd.DataFrame) -> list[str]:
    """Run labels in the order the members were configured (first appearance)."""
    return list(dict.fromkeys(df.run))


def _member(df: pd.DataFrame, member: int) -> pd.DataFrame:
    runs = _runs(df)
    if member >= len(runs):
        raise ValueError(f"member {member} requested but the table has runs {runs}")
    return df[df.run == runs[member]]


def _peak_colors(n: int):
    return plt.get_cmap("plasma")(np.linspace(0.0, 0.85, max(n, 1)))


# ------------------------------------------------------------------------------------- MNIST (fig1, fig3)
def parameter_magnitudes(mnist: pd.DataFrame) -> plt.Figure:
    """fp-fig1: mean |weight| and |bias| (solid) and mean ± std (dashed) per epoch, one panel per init std."""
    runs = _runs(mnist)
    fig, axes = plt.subplots(1, len(runs), figsize=(4.2 * len(runs), 3.6), squeeze=False)
    for ax, run in zip(axes[0], runs):
        df = mnist[mnist.run == run].sort_values("epoch")
        for kind, color in (("weight", WEIGHT_COLOR), ("bias", BIAS_COLOR)):
            mean, std = df[f"mean_abs_{kind}"], df[f"std_abs_{kind}"]
            ax.plot(df.epoch, mean, color=color, lw=2, label=f"mean |{kind}|")
            ax.plot(df.epoch, mean + std, color=color, ls="--", lw=1, label=f"mean ± std |{kind}|")
            ax.plot(df.epoch, mean - std, color=color, ls="--", lw=1)
        ax.set_title(_std_label(df))
        ax.set_xlabel("epoch")
        ax.set_ylabel("|parameter|")
        ax.set_ylim(bottom=0)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=9, bbox_to_anchor=(0.5, -0.02))
    fig.suptitle(f"Parameter magnitudes during training ({_source(mnist)})")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def accuracy_curves(mnist: pd.DataFrame) -> plt.Figure:
    """fp-fig3: train (solid) and test (dashed) accuracy per epoch for every init std pair."""
    fig, ax = plt.subplots(figsize=(6, 4.2))
    colors = plt.get_cmap("tab10")
    for i, run in enumerate(_runs(mnist)):
        df = mnist[mnist.run == run].sort_values("epoch")
        label = f"({df.weight_std.iloc[0]:g}, {df.bias_std.iloc[0]:g})"
        ax.plot(df.epoch, df.train_accuracy, color=colors(i), lw=2, label=f"{label} train")
        ax.plot(df.epoch, df.test_accuracy, color=colors(i), lw=2, ls="--", label=f"{label} test")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1.02)
    ax.legend(title="init std (w, b)", fontsize=8)
    ax.set_title(f"Accuracy for several initialisations ({_source(mnist)})")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------- panels
def _image(snapshots: pd.DataFrame, step: int, column: str = "value", only_train: bool = False) -> np.ndarray:
    df = snapshots[snapshots.step == step]
    size_r, size_c = df.row.max() + 1, df.col.max() + 1
    img = np.full((size_r, size_c), np.nan)
    values = df[column].to_numpy(dtype=float)
    if only_train:
        values = np.where(df.train.to_numpy(), values, np.nan)
    img[df.row.to_numpy(), df.col.to_numpy()] = values
    return img


def _show(ax, img, title, vlim=1.0):
    cmap = plt.get_cmap("gray").with_extremes(bad="white")   # test pixels left out are NaN
    im = ax.imshow(img, cmap=cmap, vmin=-vlim, vmax=vlim, interpolation="nearest")
    ax.set_title(title)
    ax.set_xlabel("column (x)")
    ax.set_ylabel("row (y)")
    ax.grid(False)
    return im


def _target_spectrum(ax, spectra: pd.DataFrame, title: str):
    df = spectra[spectra.step == spectra.step.min()].sort_values("frequency")
    ax.plot(df.frequency, df.target_amplitude, "r.-", label="|F[f]| target")
    peaks = df[df.is_peak]
    ax.plot(peaks.frequency, peaks.target_amplitude, "ko", ms=6, label="followed frequencies")
    ax.set_xlabel("frequency index")
    ax.set_ylabel("|F[f]| (amplitude)")
    ax.set_title(title)
    ax.legend(fontsize=8)


def _delta_curves(ax, delta_f: pd.DataFrame, title: str):
    freqs = sorted(delta_f.frequency.unique())
    for f, color in zip(freqs, _peak_colors(len(freqs))):
        df = delta_f[delta_f.frequency == f].sort_values("step")
        ax.plot(df.step, df.delta_f, color=color, lw=1.5, label=f"ω = {f}")
    kind = delta_f.kind.iloc[0]
    ax.set_ylabel("Δ_F = |F[f]−F[T]| / |F[f]|" if kind == "complex" else "Δ_F = ||F[f]|−|F[T]|| / |F[f]|")
    ax.set_xlabel("training step")
    top = float(np.nanquantile(delta_f.delta_f, 0.98))
    ax.set_ylim(0, max(1.1, min(top, 3.0)))
    ax.set_title(title)
    ax.legend(fontsize=8, ncol=2)


def _spectra_at(ax, spectra: pd.DataFrame, step: int, title: str):
    steps = np.sort(spectra.step.unique())
    step = int(steps[np.argmin(np.abs(steps - step))])
    df = spectra[spectra.step == step].sort_values("frequency")
    ax.semilogy(df.frequency, df.target_amplitude + 1e-6, "r.-", label="|F[f]| target")
    ax.semilogy(df.frequency, df.output_amplitude + 1e-6, "g.-", label="|F[T]| network")
    ax.set_xlabel("frequency index")
    ax.set_ylabel("amplitude")
    ax.set_title(f"{title} at step {step}")
    ax.legend(fontsize=8)


def _losses(ax, losses: pd.DataFrame, title: str):
    df = losses.sort_values("step")
    ax.semilogy(df.step, df.train_loss, color="tab:blue", label="train (odd columns)")
    if df.test_loss.notna().any():
        ax.semilogy(df.step, df.test_loss, color="tab:orange", ls="--", label="test (even columns)")
    ax.set_xlabel("training step")
    ax.set_ylabel("mean squared error")
    ax.set_title(title)
    ax.legend(fontsize=8)


# ------------------------------------------------------------------------------------- image (fig2, 4, 5)
def image_convergence(tables: dict[str, pd.DataFrame], member: int, row: int, spectrum_step: int) -> plt.Figure:
    """fp-fig2 / fp-fig5: target with its followed row, the row's spectrum and peaks, Δ_F over training,
    both spectra at ``spectrum_step``, output snapshots and train/test loss of one member."""
    snaps = _member(tables["snapshots"], member)
    spectra, delta, losses = (_member(tables[n], member) for n in ("spectra", "delta_f", "losses"))
    fig, axes = plt.subplots(2, 4, figsize=(17, 8))
    ax = axes[0, 0]
    first = int(snaps.step.min())
    _show(ax, _image(snaps, first, "target"), "(a) target image")
    ax.axhline(row, color="red", ls="--", lw=1.2)
    _target_spectrum(axes[0, 1], spectra, f"(b) |DFT| of row {row}")
    _delta_curves(axes[0, 2], delta, "(c) Δ_F at the peaks")
    _spectra_at(axes[0, 3], spectra, spectrum_step, "(d) spectra of the row")
    snap_steps = sorted(snaps.step.unique())[-3:]
    for ax, step, letter in zip(axes[1, :3], snap_steps, "efg"):
        _show(ax, _image(snaps, step), f"({letter}) network output, step {step}")
    for ax in axes[1, len(snap_steps):3]:
        ax.axis("off")
    _losses(axes[1, 3], losses, "(h) loss")
    fig.suptitle(f"{_std_label(delta)}; {_source(snaps)}")
    fig.tight_layout()
    return fig


def large_init_image(tables: dict[str, pd.DataFrame], member: int, row: int) -> plt.Figure:
    """fp-fig4: the large-init member at the last step: output at training pixels and at all pixels, the
    loss curves, and the followed row at training columns and at test columns."""
    snaps, losses = _member(tables["snapshots"], member), _member(tables["losses"], member)
    last = int(snaps.step.max())
    fig, axes = plt.subplots(2, 3, figsize=(14, 8))
    _show(axes[0, 0], _image(snaps, last, only_train=True), f"(a) output at training pixels, step {last}")
    _show(axes[0, 1], _image(snaps, last), "(a) output at all pixels")
    axes[0, 1].axhline(row, color="red", ls="--", lw=1.2)
    _losses(axes[0, 2], losses, "(b) loss")
    line = snaps[(snaps.step == last) & (snaps.row == row)].sort_values("col")
    panels = ((axes[1, 0], True, "training (odd) columns"), (axes[1, 1], False, "test (even) columns"))
    for ax, is_train, name in panels:
        df = line[line.train == is_train]
        ax.plot(df.col, df.target, "r.-", label="target")
        ax.plot(df.col, df.value, "b.-", label="network")
        ax.set_xlabel("column (x)")
        ax.set_ylabel("grey value (normalised)")
        ax.set_title(f"(c) row {row} at {name}")
        ax.legend(fontsize=8)
    _show(axes[1, 2], _image(snaps, last, "target"), "target image")
    fig.suptitle(f"Large initialisation: {_std_label(losses)}")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------- curves (fig6, 7)
def _fit(ax, outputs: pd.DataFrame, title: str):
    last = outputs[outputs.step == outputs.step.max()].sort_values("x")
    ax.plot(last.x, last.target, "ro", ms=4, label="target")
    ax.plot(last.x, last.output, "bs-", ms=3, lw=1, label=f"network, step {int(last.step.iloc[0])}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title)
    ax.legend(fontsize=8)


def high_frequency_target(tables: dict[str, pd.DataFrame]) -> plt.Figure:
    """fp-fig6: the flipped-DFT target and the final fit, its spectrum, and Δ_F over training."""
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.4))
    _fit(axes[0], _member(tables["outputs"], 0), "(a) high-frequency-dominant target g(x)")
    _target_spectrum(axes[1], _member(tables["spectra"], 0), "(b) |DFT| of g")
    delta = _member(tables["delta_f"], 0)
    _delta_curves(axes[2], delta, "(c) Δ_F at the followed frequencies")
    fig.suptitle(_std_label(delta))
    fig.tight_layout()
    return fig


def wide_network(tables: dict[str, pd.DataFrame]) -> plt.Figure:
    """fp-fig7: target and fit, spectrum with peaks, spectral norm of every weight matrix and Δ_F."""
    fig, axes = plt.subplots(2, 2, figsize=(12, 8.5))
    _fit(axes[0, 0], _member(tables["outputs"], 0), "(a) target and network output")
    _target_spectrum(axes[0, 1], _member(tables["spectra"], 0), "(b) |DFT| of the target")
    norms = _member(tables["spectral_norms"], 0)
    layers = sorted(norms.layer.unique())
    for layer, color in zip(layers, style.layer_colors(len(layers))):
        df = norms[norms.layer == layer].sort_values("step")
        name = "output" if layer == layers[-1] else f"layer {layer}"
        axes[1, 0].plot(df.step, df.spectral_norm, color=color, label=name)
    axes[1, 0].set_xlabel("training step")
    axes[1, 0].set_ylabel("spectral norm (largest singular value)")
    axes[1, 0].set_title("(c) spectral norm of every weight matrix (exact, SVD)")
    axes[1, 0].set_ylim(bottom=0)
    axes[1, 0].legend(fontsize=7, ncol=2)
    delta = _member(tables["delta_f"], 0)
    _delta_curves(axes[1, 1], delta, "(d) Δ_F at the peaks")
    fig.suptitle(f"Wide network: {_std_label(delta)}")
    fig.tight_layout()
    return fig

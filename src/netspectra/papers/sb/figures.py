"""Figures of "On the Spectral Bias of Neural Networks" (Rahaman et al. 2019), drawn from the sb_* tables.

Every function takes DataFrames with the columns of the ``sb_*`` schemas and returns a matplotlib Figure
(:func:`amplitude_panels`: one per amplitude setting); catalogue.py maps the figure ids to them.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap

from netspectra import style
from netspectra.plotting import extent as _extent  # the generic heat map: users' spectrum tables draw the same
from netspectra.plotting import heatmap as _heatmap


def _panels_with_colorbar(n: int, *, panel_width: float, extra_width: float, height: float):
    """n heat-map axes, one colorbar axis and one wider axis on the right, without overlaps."""
    fig = plt.figure(figsize=(panel_width * n + extra_width + 1.6, height))
    gs = fig.add_gridspec(1, n + 3, width_ratios=[1] * n + [0.07, 0.45, extra_width / panel_width], wspace=0.25)
    heat = [fig.add_subplot(gs[0, i]) for i in range(n)]
    cax = fig.add_subplot(gs[0, n])
    right = fig.add_subplot(gs[0, n + 2])
    return fig, heat, cax, right


def _scale_note(fig, scale: str, extra: str = ""):
    """A grey line under the figure (outside the axes, kept by the tight bounding box)."""
    fig.text(0.01, -0.01, f"scale: {scale}{extra}", ha="left", va="top", fontsize=7, color="0.4")


# ------------------------------------------------------------------------------------------- sb-fig1
def spectrum_and_norms(spectrum: pd.DataFrame, norms: pd.DataFrame, setting: str, *, scale: str) -> plt.Figure:
    """Left: |f̃(k_i)|/A_i (mean over runs) over (frequency, step); right: exact spectral norm per layer."""
    spec = spectrum[spectrum["setting"] == setting]
    nrm = norms[norms["setting"] == setting]
    n_runs = spec["run"].nunique()
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [1.1, 1]})
    im = _heatmap(ax, spec, "k", "step", "normalised_amplitude")
    ax.set_xlabel("frequency $k_i$ (cycles per unit interval)")
    ax.set_ylabel("training step")
    ax.set_title(f"normalised spectrum $|\\tilde f(k_i)|/A_i$ ({setting} amplitudes)")
    fig.colorbar(im, ax=ax, label="$|\\tilde f(k_i)|/A_i$ (clipped to [0, 1])")
    layers = sorted(nrm["layer"].unique())
    colors = style.layer_colors(len(layers))
    mean = nrm.groupby(["layer", "step"])["spectral_norm"].mean()
    for color, layer in zip(colors, layers):
        curve = mean.loc[layer]
        label = "output" if layer == layers[-1] else f"layer {layer + 1}"
        bx.plot(curve.index, curve.to_numpy(), color=color, label=label)
    bx.set_xlabel("training step")
    bx.set_ylabel("spectral norm $\\|W^{(l)}\\|_2$ (exact, largest singular value)")
    bx.set_title("spectral norm of each layer")
    bx.legend(fontsize=7, ncol=2)
    _scale_note(fig, scale, f", mean over {n_runs} runs of random phases")
    fig.tight_layout()
    return fig


def amplitude_panels(spectrum: pd.DataFrame, norms: pd.DataFrame, settings: list[str], panels: list[str], *,
                     scale: str) -> dict[str, plt.Figure]:
    """sb-fig1: ``{panel: figure}``, one :func:`spectrum_and_norms` per amplitude setting (panel a, b, …)."""
    return {panel: spectrum_and_norms(spectrum, norms, setting, scale=scale)
            for setting, panel in zip(settings, panels)}


# ------------------------------------------------------------------------------------------- sb-fig6
def function_snapshots(snapshots: pd.DataFrame, *, scale: str, setting: str = "equal",
                       run: int | None = None) -> plt.Figure:
    """The learnt function over the target at several training steps (one run)."""
    snaps = snapshots[snapshots["setting"] == setting] if "setting" in snapshots else snapshots
    run = int(snaps["run"].min()) if run is None else run
    snaps = snaps[snaps["run"] == run]
    steps = sorted(snaps["step"].unique())
    ncol = min(3, len(steps))
    nrow = int(np.ceil(len(steps) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4 * ncol, 2.6 * nrow), squeeze=False, sharex=True, sharey=True)
    for ax, step in zip(axes.flat, steps):
        s = snaps[snaps["step"] == step].sort_values("z")
        ax.plot(s["z"], s["target"], color="tab:blue", lw=1.0, label="target λ(z)")
        ax.plot(s["z"], s["prediction"], color="tab:green", lw=1.2, label="network f(z)")
        ax.set_title(f"step {step}")
    for ax in axes.flat[len(steps):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("input z")
    for ax in axes[:, 0]:
        ax.set_ylabel("output")
    axes.flat[0].legend(fontsize=7, loc="upper right")
    _scale_note(fig, scale, f", {setting} amplitudes, run {run}")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------- sb-fig3
def manifold_spectra(spectrum: pd.DataFrame, loss: pd.DataFrame, *, scale: str) -> plt.Figure:
    """(a–d) spectrum of f∘γ_L over (frequency, step) for each L; (e) MSE loss curves."""
    petals = sorted(spectrum["n_petals"].unique())
    n = len(petals)
    fig, heat, cax, ex = _panels_with_colorbar(n, panel_width=3.0, extra_width=4.2, height=3.9)
    for i, (ax, L) in enumerate(zip(heat, petals)):
        im = _heatmap(ax, spectrum[spectrum["n_petals"] == L], "k", "step", "normalised_amplitude")
        ax.set_title(f"({'abcdefghij'[i]}) L = {L:g}")
        ax.set_xlabel("frequency $k_i$ on the manifold")
        if i == 0:
            ax.set_ylabel("training step")
        else:
            ax.tick_params(labelleft=False)
    fig.colorbar(im, cax=cax, label="$|\\widetilde{f\\circ\\gamma_L}(k_i)|/A_i$ (clipped to [0, 1])")
    colors = plt.get_cmap("plasma")(np.linspace(0, 0.85, n))
    for color, L in zip(colors, petals):
        curve = loss[loss["n_petals"] == L].groupby("step")["loss"]
        mean, lo, hi = curve.mean(), curve.min(), curve.max()
        ex.plot(mean.index, mean.to_numpy(), color=color, label=f"L = {L:g}")
        ex.fill_between(mean.index, lo.to_numpy(), hi.to_numpy(), color=color, alpha=0.2, lw=0)
    ex.set_yscale("log")
    ex.set_xlabel("training step")
    ex.set_ylabel("training MSE (mean; band: min–max over runs)")
    ex.set_title(f"({'abcdefghij'[n]}) loss curves")
    ex.legend(fontsize=8)
    _scale_note(fig, scale, f", mean over {spectrum['replicate'].nunique()} runs of random phases")
    return fig


# ------------------------------------------------------------------------------------------- sb-fig4
def _accuracy_heatmap(ax, acc: pd.DataFrame, title: str, value: str = "accuracy",
                          xlabel: str = "frequency k of the target sine on the manifold"):
    im = _heatmap(ax, acc, "k", "n_petals", value, vmin=0.5, vmax=1.0, cmap="magma")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("petals L of the manifold $\\gamma_L$")
    ax.set_xticks(sorted(acc["k"].unique()))
    ax.set_yticks(sorted(acc["n_petals"].unique()))
    ax.tick_params(axis="x", labelrotation=90)
    ax.grid(False)
    ax.set_title(title)
    return im


def classification_accuracy(history: pd.DataFrame, *, scale: str) -> plt.Figure:
    """Training accuracy after the last step over (k, L)."""
    final = history[history["step"] == history["step"].max()]
    fig, ax = plt.subplots(figsize=(6, 4.8))
    im = _accuracy_heatmap(ax, final, f"training accuracy after {int(final['step'].iloc[0])} steps")
    fig.colorbar(im, ax=ax, label="training accuracy (mean over runs)")
    _scale_note(fig, scale, f", {final['replicate'].nunique()} run(s) per cell")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------- sb-fig2
def _decision_panel(ax, m: pd.DataFrame, data: pd.DataFrame, title: str):
    grid = m.pivot(index="y", columns="x", values="logit").sort_index()
    xs, ys = grid.columns.to_numpy(), grid.index.to_numpy()
    logit = grid.to_numpy()
    cmap = ListedColormap(["#9ecae1", "#fcae91"])  # blue = class 0, red = class 1
    ax.imshow((logit > 0).astype(float), origin="lower", extent=_extent(xs, ys), cmap=cmap, vmin=0, vmax=1,
              interpolation="nearest", aspect="equal")
    levels = np.quantile(np.abs(logit), [0.2, 0.4, 0.6, 0.8, 0.95])
    cs = ax.contour(xs, ys, np.abs(logit), levels=np.unique(levels), colors="0.25", linewidths=0.6)
    ax.clabel(cs, fontsize=5, fmt="%.1f")
    ax.scatter(data["x"], data["y"], c=np.where(data["label"] > 0.5, "#b2182b", "#2166ac"), s=2, lw=0)
    ax.set_xlabel("input $x_1$")
    ax.set_ylabel("input $x_2$")
    ax.set_title(title)
    ax.grid(False)


def decision_maps(maps: pd.DataFrame, data: pd.DataFrame, accuracy: pd.DataFrame, *, scale: str, k: int,
              n_petals: float) -> plt.Figure:
    """Decision regions (shading) and |logit| contours of identically trained networks (one per seed)."""
    seeds = sorted(maps["seed"].unique())
    fig, axes = plt.subplots(1, len(seeds), figsize=(4.6 * len(seeds), 4.6), squeeze=False)
    for ax, seed in zip(axes[0], seeds):
        acc = float(accuracy.loc[accuracy["seed"] == seed, "accuracy"].iloc[0])
        _decision_panel(ax, maps[maps["seed"] == seed], data,
                        f"init seed {seed}: training accuracy {acc:.3f}")
    fig.suptitle(f"binarised sine, k = {k} on $\\gamma_L$ with L = {n_petals:g}: "
                 "shading = predicted class, contours = |logit|", fontsize=10)
    _scale_note(fig, scale)
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------- sb-fig5
def perturbation_robustness(robustness: pd.DataFrame, *, scale: str) -> plt.Figure:
    """Mean |f̃_θ(k_i)| over random unit directions at θ* + δθ̂, relative to θ*, over (k, δ)."""
    fig, ax = plt.subplots(figsize=(6.2, 4.8))
    im = _heatmap(ax, robustness, "k", "perturbation_size", "relative_amplitude")
    ax.set_xlabel("frequency $k_i$ (cycles per unit interval)")
    ax.set_ylabel("perturbation size δ (parameter-space L2 norm)")
    ax.set_title("robustness of the frequency components")
    ax.grid(False)
    fig.colorbar(im, ax=ax, label="$E_{\\hat\\theta}|\\tilde f_{\\theta^*+\\delta\\hat\\theta}(k_i)| / "
                                  "|\\tilde f_{\\theta^*}(k_i)|$ (clipped)")
    _scale_note(fig, scale, f", mean over {robustness['run'].nunique()} trained models")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------ sb-fig10
def knn_spectra(knn: pd.DataFrame, radial: pd.DataFrame, *, scale: str, evaluation: str) -> plt.Figure:
    """(a–…) KNN accuracy over (k, L) for each K; (last) radial spectra ζ of KNN and DNN probability maps."""
    ks = sorted(knn["neighbours"].unique())
    n = len(ks)
    fig, heat, cax, ex = _panels_with_colorbar(n, panel_width=3.3, extra_width=4.5, height=4.3)
    acc = knn[knn["evaluation"] == evaluation]
    for i, (ax, K) in enumerate(zip(heat, ks)):
        im = _accuracy_heatmap(ax, acc[acc["neighbours"] == K], f"({'abcdefghij'[i]}) KNN, K = {K}",
                                   xlabel="frequency k on the manifold")
        if i:
            ax.set_ylabel("")
            ax.tick_params(labelleft=False)
    fig.colorbar(im, cax=cax, label=f"KNN accuracy ({evaluation} points)")
    methods = [m for m in dict.fromkeys(radial["method"]) if m != "DNN"]
    colors = plt.get_cmap("viridis")(np.linspace(0, 0.9, len(methods)))
    for color, method in zip(colors, methods):
        r = radial[(radial["method"] == method) & (radial["radial_frequency"] > 0)]
        ex.plot(r["radial_frequency"], r["zeta"], color=color, label=method, lw=1)
    r = radial[(radial["method"] == "DNN") & (radial["radial_frequency"] > 0)]
    ex.plot(r["radial_frequency"], r["zeta"], color="tab:red", lw=2, label="DNN")
    ex.set_yscale("log")
    ex.set_xlabel("radial frequency |k| (cycles per input unit)")
    ex.set_ylabel("ζ(|k|): |2-D DFT| integrated over angle")
    ex.set_title(f"({'abcdefghij'[n]}) spectra of probability maps")
    ex.legend(fontsize=7)
    _scale_note(fig, scale)
    return fig


# ------------------------------------------------------------------------------------------- sb-fig7
def noise_regression_losses(losses: pd.DataFrame, *, scale: str, source: str) -> plt.Figure:
    """White-noise regression loss on the autoencoder manifold vs on the flat manifold.

    Curves are geometric means over runs with a band of ± one standard deviation of log10(loss): the
    losses span decades, where an arithmetic band would reach below zero.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.8))
    colors = {"autoencoder": "tab:blue", "flat": "tab:green"}
    labels = {"autoencoder": f"reconstructions of a denoising autoencoder ({source})",
              "flat": "flat manifold (U[0,1] in the first latent coordinates)"}
    for name, color in colors.items():
        sel = losses[losses["manifold"] == name]
        if "input_norm" in sel and "nn_spacing" in sel and len(sel):
            labels[name] += (f"; mean input norm {sel['input_norm'].iloc[0]:.2f}, nearest-neighbour spacing "
                             f"{sel['nn_spacing'].iloc[0]:.2f}")
        curve = np.log10(sel["loss"].clip(lower=1e-30)).groupby(sel["step"])
        mean, std = curve.mean(), curve.std().fillna(0)
        ax.plot(mean.index, 10 ** mean.to_numpy(), color=color, label=labels[name])
        ax.fill_between(mean.index, 10 ** (mean - std).to_numpy(), 10 ** (mean + std).to_numpy(), color=color,
                        alpha=0.2, lw=0)
    ax.set_yscale("log")
    ax.set_xlabel("training step (full-batch Adam)")
    ax.set_ylabel("training MSE on white-noise targets")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    ax.set_title("regressing white noise on two manifolds of equal dimension")
    _scale_note(fig, scale, f", geometric mean ± std of log10 over {losses['run'].nunique()} runs")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------- sb-fig8 / fig9
def _image(pixels, shape, lo: float, hi: float):
    """(C, H, W) pixels as an image for imshow, mapped from [lo, hi] (shared by every image of a figure, so that
    intensities compare across a path and between paths) to [0, 1]."""
    img = np.asarray(pixels, dtype=float).reshape(shape)
    img = np.moveaxis(img, 0, -1)
    img = np.clip((img - lo) / max(hi - lo, 1e-12), 0.0, 1.0)
    return img[..., 0] if img.shape[-1] == 1 else img


def _path_rows(images: pd.DataFrame, kind: str, class_names: list[str], *, title: str, scale: str,
                   stats: pd.DataFrame | None = None) -> plt.Figure:
    """Rows of images along input-space paths of ``kind``; optional statistics panels below."""
    sel = images[images["pair_kind"] == kind]
    paths = list(dict.fromkeys(sel["path"]))
    n_pos = int(sel["position"].max()) + 1 if len(sel) else 1
    n_rows = max(len(paths), 1)
    stats_height = 3.2 if stats is not None else 0.0
    fig = plt.figure(figsize=(max(1.0 * n_pos + 1.5, 8.0), 1.05 * n_rows + stats_height + 0.9))
    if stats is not None:
        top, bottom = fig.subfigures(2, 1, height_ratios=[1.05 * n_rows + 0.4, stats_height])
    else:
        top, bottom = fig, None
    grid = top.subplots(n_rows, n_pos, squeeze=False)
    for ax in grid.flat:
        ax.set_axis_off()
    if not paths:
        grid[0, 0].text(0, 0.5, f"no {kind} path in this run", fontsize=8)
    values = np.concatenate([np.asarray(p, dtype=float) for p in sel["pixels"]]) if len(sel) else np.zeros(1)
    lo, hi = float(values.min()), float(values.max())  # one intensity range for every image of the figure
    for r, path in enumerate(paths):
        rows = sel[sel["path"] == path].sort_values("position")
        for c, (_, row) in enumerate(rows.iterrows()):
            ax = grid[r, c]
            ax.set_axis_on()
            ax.imshow(_image(row["pixels"], (int(row["channels"]), int(row["height"]), int(row["width"])), lo, hi),
                      cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
            ax.set_xticks([]), ax.set_yticks([])
            ax.set_title(f"{class_names[int(row['predicted'])]} {row['probability']:.2f}", fontsize=6, pad=1)
            if c == 0:
                ax.set_ylabel(f"class {class_names[int(row['target'])]}", fontsize=7)
    if bottom is not None:
        _path_stats(bottom, stats)
    fig.suptitle(title, fontsize=9)
    _scale_note(fig, scale, "; image titles: predicted class, softmax probability of the path's class; one grey "
                f"scale for all images ({lo:.2g} black … {hi:.2g} white)")
    return fig


def _path_stats(fig, stats: pd.DataFrame):
    kinds = list(dict.fromkeys(stats["pair_kind"]))
    ax, bx = fig.subplots(1, 2)
    x = np.arange(len(kinds))
    neb = [stats.loc[stats["pair_kind"] == k, "crosses"].mean() for k in kinds]
    lin = [stats.loc[stats["pair_kind"] == k, "linear_crosses"].mean() for k in kinds]
    ax.bar(x - 0.2, lin, 0.4, color="0.6", label="straight line")
    ax.bar(x + 0.2, neb, 0.4, color="tab:blue", label="NEB path")
    for xi, v in zip(x + 0.2, neb):
        ax.text(xi, v + 0.01, f"{v:.2f}", ha="center", fontsize=7)
    ax.set_xticks(x, [k.replace("-", "–") for k in kinds], fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("fraction of paths crossing\na decision boundary")
    ax.legend(fontsize=7)
    for k in kinds:
        r = stats.loc[stats["pair_kind"] == k, "length_ratio"]
        bx.hist(100 * (r - 1), bins=20, alpha=0.5, label=f"{k}: {100 * (r.mean() - 1):.1f} ± {100 * r.std():.1f} %")
    bx.set_xlabel("path length relative to the straight line (% longer)")
    bx.set_ylabel("number of paths")
    bx.legend(fontsize=7)


CIFAR10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def input_paths(stats: pd.DataFrame, images: pd.DataFrame, metrics: pd.DataFrame, kind: str, *,
                scale: str) -> plt.Figure:
    """sb-fig8 (``kind`` adversarial-adversarial: image rows with the crossing and length statistics of all
    paths) or sb-fig9 (train-adversarial: image rows from training images to adversarials)."""
    source = str(stats["data_source"].iloc[0])
    val_acc = metrics["val_accuracy"].dropna()
    model_note = f"{source}; classifier validation accuracy {val_acc.iloc[-1]:.3f}" if len(val_acc) else source
    n_classes = int(max(images["target"].max(), images["predicted"].max())) + 1 if len(images) else 0
    names = CIFAR10 if source.startswith("cifar10") else [str(c) for c in range(max(n_classes, 10))]
    if kind == "adversarial-adversarial":
        crossed = int(stats["crosses"].sum())
        return _path_rows(images, kind, names, scale=scale, stats=stats,
                              title=f"paths between adversarial examples of one target class ({model_note}); "
                                    f"{crossed} of {len(stats)} paths cross a decision boundary")
    return _path_rows(images, kind, names, scale=scale,
                          title=f"paths from a training image (left) to an adversarial of its class (right) "
                                f"({model_note})")

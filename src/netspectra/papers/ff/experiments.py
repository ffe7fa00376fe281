"""The Fourier Features experiments (Tancik et al. 2020, Figs. 1–4), each returning long tables.

- :func:`image_regression`: Fig. 1, RGB from pixel coordinates with the mappings none / basic / positional /
  gaussian; train on pixels [::2, ::2], PSNR on the held-out [1::2, 1::2].
- :func:`ntk_kernels`: Fig. 2, analytic (and empirical) NTKs of a ReLU MLP with scalar input: raw, basic,
  and the a_j = j^−p, b_j = j family, with the spectra of their rows.
- :func:`kernel_regression_fits`: Fig. 3, SGD on a 1/f signal through each mapping of the p family, with
  the NTK-theory (linearised) predictions of the same runs.
- :func:`sparse_frequency_sweep`: Fig. 4, 16 random frequencies from four generators at many scales per
  1/f^α family, against dense features.

Independent runs with the same shapes train as one batched ensemble (:mod:`netspectra.ensemble`): the
mapping is applied before the network, so members that differ only in their frequencies/amplitudes get
their own feature tensors (``member_inputs``) and share one architecture.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import torch

from netspectra import ntk
from netspectra.checkpoints import Checkpointer, child
from netspectra.ensemble import init_stacked, predict, train_ensemble
from netspectra.grids import pixel_coordinates
from netspectra.seeds import seed_for
from netspectra.spectra import dft

from . import colored_noise, mappings, networks
from .images import psnr, split_pixels


def _exponent_label(p: float) -> str:
    return "p=inf" if math.isinf(p) else f"p={p:g}"


def half_mse(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """0.5 · mean squared error (the authors' image loss; PSNR = −10 log10(2 · loss))."""
    return 0.5 * ((out - target) ** 2).mean()


def half_sse(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """0.5 · sum of squared errors (the authors' 1-D loss, the NTK theory's)."""
    return 0.5 * ((out - target) ** 2).sum()


def _train_members(features: torch.Tensor, targets: torch.Tensor, seeds: Sequence[int], net: Mapping[str, Any], *,
                   loss_fn: Callable, learning_rate: float, n_steps: int, optimizer: str, record_every: int,
                   record_fn: Callable | None, device: torch.device, checkpoint: Checkpointer | None = None,
                   progress: str = "ff training"):
    """Train one batched group: ``features`` (M, N, D) and ``targets`` (M, N, O) on ``device``; ``checkpoint``
    resumes and saves its training state (:func:`netspectra.ensemble.train_ensemble`)."""
    make = networks.factory(features.shape[-1], net["width"], net["n_layers"], out_features=targets.shape[-1],
                            output=net.get("output", "linear"), init=net.get("init", "standard"),
                            weight_std=net.get("weight_std", 1.0), bias_std=net.get("bias_std", 0.0))
    base, params = init_stacked(make, seeds, device=device)
    record = (lambda s, p: record_fn(s, base, p)) if record_fn else None
    result = train_ensemble(base, params, features, targets, loss_fn, n_steps=n_steps, learning_rate=learning_rate,
                            record_every=record_every, record_fn=record, optimizer=optimizer, member_inputs=True,
                            member_targets=True, checkpoint=checkpoint, progress=progress)
    return base, result


# ----------------------------------------------------------------------------------------------- Fig. 1
def image_mapping(name: str, kind: str, cfg: Mapping[str, Any], seed: int) -> torch.nn.Module:
    """The 2-D mapping ``name`` for an image of ``kind`` (natural | text) with the config's scales."""
    g = torch.Generator().manual_seed(seed)
    return mappings.build(name, 2, n_frequencies=cfg["n_frequencies"], scale=cfg["gaussian_scale"][kind],
                          max_log2=cfg["positional_max_log2"][kind], generator=g)


def image_regression(images: Sequence[np.ndarray], names: Sequence[str], kinds: Sequence[str], cfg: Mapping[str, Any],
                     *, seed: int, device: torch.device,
                     checkpoint: Checkpointer | None = None) -> dict[str, pd.DataFrame]:
    """Fit every image with every mapping; returns tables ``psnr``, ``curves`` and ``outputs``.

    ``images``: float32 (S, S, 3) arrays in [0, 1]; ``cfg``: mappings, n_frequencies, gaussian_scale and
    positional_max_log2 per kind, learning_rates[kind][mapping], n_layers, width, init, n_steps, record_every.
    Members that share the feature size and learning rate train as one ensemble.
    """
    members = []  # (image index, mapping name)
    for i, kind in enumerate(kinds):
        for j, name in enumerate(cfg["mappings"]):
            mapping = image_mapping(name, kind, cfg, seed_for(seed, i, j, 1))
            members.append(dict(image=i, mapping=name, map=mapping, lr=float(cfg["learning_rates"][kind][name]),
                                seed=seed_for(seed, i, j)))
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for m in members:
        groups[(m["map"].out_features, m["lr"])].append(m)
    net = dict(width=cfg["width"], n_layers=cfg["n_layers"], init=cfg["init"], output="sigmoid")
    psnr_rows, curve_rows, output_rows = [], [], []
    for img, name, kind in zip(images, names, kinds):
        output_rows.append(dict(image=name, kind=kind, mapping="target", size=img.shape[0],
                                values=img.reshape(-1).astype(float).tolist()))
    for gi, ((_, lr), group) in enumerate(groups.items()):
        feats = {"train": [], "test": [], "full": []}
        targets_train, targets_test = [], []
        for m in group:
            img = torch.as_tensor(images[m["image"]])
            coords = torch.from_numpy(pixel_coordinates(img.shape[0], img.shape[1])).to(torch.float32)
            full = m["map"](coords.reshape(-1, 2))
            f_train, f_test = split_pixels(full.reshape(img.shape[0], img.shape[1], -1))
            feats["train"].append(f_train), feats["test"].append(f_test), feats["full"].append(full)
            t_train, t_test = split_pixels(img)
            targets_train.append(t_train), targets_test.append(t_test)
        x_train = torch.stack(feats["train"]).to(device)
        x_test = torch.stack(feats["test"]).to(device)
        y_test = torch.stack(targets_test).to(device)

        def record(step, base, params, x_test=x_test, y_test=y_test, group=group):
            out = predict(base, params, x_test, member_inputs=True, chunk_size=cfg.get("chunk_size"))
            mse = ((out - y_test) ** 2).mean(dim=(1, 2))
            return [dict(image=names[m["image"]], mapping=m["mapping"], step=step, test_psnr=float(psnr(mse[k])))
                    for k, m in enumerate(group)]

        base, result = _train_members(x_train, torch.stack(targets_train).to(device), [m["seed"] for m in group], net,
                                      loss_fn=half_mse, learning_rate=lr, n_steps=cfg["n_steps"], optimizer="adam",
                                      record_every=cfg["record_every"], record_fn=record, device=device,
                                      checkpoint=child(checkpoint, f"group{gi}"),
                                      progress=f"ff-fig1 group {gi + 1}/{len(groups)}")
        losses = result.losses.assign(train_psnr=lambda d: -10 * np.log10(2 * d["loss"]))
        keys = ["image", "mapping", "step"]
        train_psnr = losses.assign(image=[names[group[r]["image"]] for r in losses["run"]],
                                   mapping=[group[r]["mapping"] for r in losses["run"]])[[*keys, "train_psnr"]]
        curves = result.records.merge(train_psnr, on=keys, how="left")
        curve_rows.append(curves)
        full_out = predict(base, result.params, torch.stack(feats["full"]).to(device), member_inputs=True,
                           chunk_size=cfg.get("chunk_size"))
        final = curves[curves["step"] == cfg["n_steps"]].set_index(["image", "mapping"])
        for k, m in enumerate(group):
            name, kind = names[m["image"]], kinds[m["image"]]
            row = final.loc[(name, m["mapping"])]
            psnr_rows.append(dict(image=name, kind=kind, mapping=m["mapping"], learning_rate=lr, n_steps=cfg["n_steps"],
                                  n_features=m["map"].out_features, train_psnr=float(row["train_psnr"]),
                                  test_psnr=float(row["test_psnr"])))
            output_rows.append(dict(image=name, kind=kind, mapping=m["mapping"], size=images[m["image"]].shape[0],
                                    values=full_out[k].detach().cpu().double().reshape(-1).tolist()))
    order = {name: i for i, name in enumerate(cfg["mappings"])}
    psnr_df = pd.DataFrame(psnr_rows)
    psnr_df = psnr_df.iloc[np.lexsort((psnr_df["mapping"].map(order), psnr_df["image"]))]
    curves_df = pd.concat(curve_rows, ignore_index=True).sort_values(["image", "mapping", "step"])
    return dict(psnr=psnr_df.reset_index(drop=True), curves=curves_df.reset_index(drop=True),
                outputs=pd.DataFrame(output_rows))


# ----------------------------------------------------------------------------------------------- Fig. 2
def kernel_inputs(name: str, x: torch.Tensor, *, n_frequencies: int, exponent: float = math.inf) -> torch.Tensor:
    """Inputs the network sees for 1-D coordinates ``x`` (N,): raw x, basic [cos 2πx, sin 2πx], or the
    power-law features with exponent p (float64)."""
    x = x.to(torch.float64).unsqueeze(1)
    if name == "none":
        return x
    if name == "basic":
        return mappings.basic(1, torch.float64)(x)
    if name == "power_law":
        return mappings.power_law(n_frequencies, exponent, torch.float64)(x)
    raise ValueError(f"unknown kernel input {name!r}; valid names: none, basic, power_law")


def ntk_kernels(cfg: Mapping[str, Any], *, seed: int, device: torch.device) -> dict[str, pd.DataFrame]:
    """NTK matrices (raw and basic mapping) and rows k(x, 0) of the power-law family, with row spectra.

    ``cfg``: n_layers, width, weight_std, bias_std, n_points (row grid on [−½, ½)), n_heatmap_points,
    n_frequencies, exponents, empirical_seeds (0 = analytic only). Returns tables ``kernels`` (kernel, exponent,
    kind, x1, x2, value) and ``spectra`` (kernel, exponent, kind, frequency, magnitude).
    """
    widths = [cfg["width"]] * (cfg["n_layers"] - 1)
    kw = dict(widths=widths, weight_std=cfg["weight_std"], bias_std=cfg["bias_std"])
    n_seeds = cfg["empirical_seeds"]

    def empirical(inputs_a: torch.Tensor, inputs_b: torch.Tensor) -> torch.Tensor:
        total = 0.0
        for s in range(n_seeds):
            model = networks.factory(inputs_a.shape[1], cfg["width"], cfg["n_layers"], init="standard",
                                     weight_std=cfg["weight_std"], bias_std=cfg["bias_std"],
                                     dtype=torch.float64)(seed_for(seed, s)).to(device)
            total = total + ntk.empirical_ntk(model, inputs_a.to(device), inputs_b.to(device),
                                              chunk_size=cfg.get("chunk_size", 64)).cpu()
        return total / n_seeds

    def rows_of(kernel: str, exponent: float, x1: torch.Tensor, x2: torch.Tensor, a: torch.Tensor, b: torch.Tensor):
        out = [(kernel, exponent, "analytic", ntk.relu_ntk(a, b, **kw))]
        if n_seeds:
            out.append((kernel, exponent, "empirical", empirical(a, b)))
        frames = []
        for name, p, kind, k in out:
            g1, g2 = torch.meshgrid(x1, x2, indexing="ij")
            frames.append(pd.DataFrame(dict(kernel=name, exponent=p, kind=kind, x1=g1.reshape(-1).numpy(),
                                            x2=g2.reshape(-1).numpy(), value=k.reshape(-1).numpy())))
        return frames, out

    kernel_frames, spectrum_frames = [], []
    xh = torch.arange(cfg["n_heatmap_points"], dtype=torch.float64) / cfg["n_heatmap_points"] - 0.5
    for name in ("none", "basic"):
        f = kernel_inputs(name, xh, n_frequencies=cfg["n_frequencies"])
        frames, _ = rows_of(name, math.nan, xh, xh, f, f)
        kernel_frames += frames
    x = torch.arange(cfg["n_points"], dtype=torch.float64) / cfg["n_points"] - 0.5
    zero = torch.zeros(1, dtype=torch.float64)
    for p in cfg["exponents"]:
        p = float(p)
        frames, values = rows_of("power_law", p, x, zero,
                                 kernel_inputs("power_law", x, n_frequencies=cfg["n_frequencies"], exponent=p),
                                 kernel_inputs("power_law", zero, n_frequencies=cfg["n_frequencies"], exponent=p))
        kernel_frames += frames
        for name, _, kind, k in values:
            # The row is periodic on the grid; roll x = 0 to the first sample so the DFT phase is that of k(x).
            row = torch.roll(k[:, 0], -cfg["n_points"] // 2)
            mag = dft(row).abs()
            spectrum_frames.append(pd.DataFrame(dict(kernel=name, exponent=p, kind=kind,
                                                     frequency=np.arange(len(mag)), magnitude=mag.numpy())))
    return dict(kernels=pd.concat(kernel_frames, ignore_index=True),
                spectra=pd.concat(spectrum_frames, ignore_index=True))


# ----------------------------------------------------------------------------------------------- Fig. 3
def kernel_regression_fits(cfg: Mapping[str, Any], *, seed: int, device: torch.device,
                           checkpoint: Checkpointer | None = None) -> dict[str, pd.DataFrame]:
    """Train the p family (and the raw input) on a 1/f signal with SGD; record losses and residual
    spectra, and the linearised-NTK predictions of the same runs.

    ``cfg``: n_train, upsample (test grid = n_train · upsample points on [0, 1), training every upsample-th),
    signal_exponent, band_limit, exponents, include_none, n_frequencies, n_layers, width, weight_std,
    bias_std, learning_rate, n_steps, record_every, residual_frequencies, theory. Returns tables ``curves``
    (label, exponent, step, split, source, mse), ``residuals`` (label, exponent, step, frequency, source,
    amplitude) and ``functions`` (label, exponent, x, value, train).
    """
    n_grid = cfg["n_train"] * cfg["upsample"]
    x = torch.arange(n_grid, dtype=torch.float64) / n_grid
    train = torch.zeros(n_grid, dtype=torch.bool)
    train[::cfg["upsample"]] = True
    g = torch.Generator().manual_seed(seed_for(seed, 3))
    y = colored_noise.power_law_signals(n_grid, cfg["signal_exponent"], 1, band_limit=cfg["band_limit"],
                                        scaling="each", generator=g)[0]
    groups = []
    exps = [float(p) for p in cfg["exponents"]]
    if exps:
        groups.append(([_exponent_label(p) for p in exps], exps,
                       mappings.power_law(cfg["n_frequencies"], torch.tensor(exps), torch.float64)(x.unsqueeze(1))))
    if cfg["include_none"]:
        groups.append((["none"], [math.nan], (x - 0.5).reshape(1, -1, 1)))
    net = dict(width=cfg["width"], n_layers=cfg["n_layers"], init="standard", weight_std=cfg["weight_std"],
               bias_std=cfg["bias_std"])
    steps_recorded = sorted(set(range(0, cfg["n_steps"] + 1, cfg["record_every"])) | {cfg["n_steps"]})
    freqs = [int(k) for k in cfg["residual_frequencies"]]
    curve_frames, residual_frames, function_frames = [], [], []
    y_dev = y.to(torch.float32).to(device)

    def summarise(label, p, step, full, source):
        """Rows ``{"curves": [...], "residuals": [...]}`` of one member's outputs ``full`` (n_grid,) at ``step``."""
        res_train = (full[train] - y[train]).double()
        curves = [dict(label=label, exponent=p, step=step, split="train", source=source,
                       mse=float(res_train.pow(2).mean())),
                  dict(label=label, exponent=p, step=step, split="test", source=source,
                       mse=float((full[~train] - y[~train]).double().pow(2).mean()))]
        amp = dft(res_train).abs()
        residuals = [dict(label=label, exponent=p, step=step, frequency=k, source=source, amplitude=float(amp[k]))
                     for k in freqs]
        return {"curves": curves, "residuals": residuals}

    for gi, (labels, exps_g, feats) in enumerate(groups):
        feats32 = feats.to(torch.float32)

        def record(step, base, params, feats32=feats32, labels=labels, exps_g=exps_g):
            out = predict(base, params, feats32.to(device), member_inputs=True)[..., 0].double().cpu()
            rows = {"curves": [], "residuals": []}
            for k, (label, p) in enumerate(zip(labels, exps_g)):
                for name, part in summarise(label, p, step, out[k], "network").items():
                    rows[name] += part
            rows["records"] = [dict(run=k, step=step, values=out[k].numpy()) for k in range(len(labels))]
            return rows

        seeds = [seed_for(seed, 30, k) for k in range(len(labels))]
        y_train = y_dev[train].reshape(1, -1, 1).expand(len(labels), -1, 1)
        _, result = _train_members(feats32[:, train].to(device), y_train,
                                   seeds, net, loss_fn=half_sse, learning_rate=cfg["learning_rate"],
                                   n_steps=cfg["n_steps"], optimizer="sgd", record_every=cfg["record_every"],
                                   record_fn=record, device=device, checkpoint=child(checkpoint, f"group{gi}"),
                                   progress=f"ff-fig3 group {gi + 1}/{len(groups)}")
        curve_frames.append(result.tables["curves"])
        residual_frames.append(result.tables["residuals"])
        outputs = {(int(r.run), int(r.step)): r.values for r in result.records.itertuples()}
        for k, (label, p) in enumerate(zip(labels, exps_g)):
            function_frames.append(pd.DataFrame(dict(label=label, exponent=p, x=x.numpy(),
                                                     value=outputs[(k, cfg["n_steps"])], train=train.numpy())))
            if not cfg["theory"]:
                continue
            f = feats[k]
            widths = [cfg["width"]] * (cfg["n_layers"] - 1)
            ntk_kw = dict(widths=widths, weight_std=cfg["weight_std"], bias_std=cfg["bias_std"])
            kk = ntk.relu_ntk(f[train], f[train], **ntk_kw)
            kt = ntk.relu_ntk(f[~train], f[train], **ntk_kw)
            f0 = torch.as_tensor(outputs[(k, 0)], dtype=torch.float64)
            th_train, th_test = ntk.linearised_gradient_descent(kk, kt, y[train], f0[train], f0[~train],
                                                                cfg["learning_rate"], steps_recorded)
            for s, step in enumerate(steps_recorded):
                full = torch.empty(n_grid, dtype=torch.float64)
                full[train], full[~train] = th_train[s], th_test[s]
                rows = summarise(label, p, step, full, "theory")
                curve_frames.append(pd.DataFrame(rows["curves"]))
                residual_frames.append(pd.DataFrame(rows["residuals"]))
    function_frames.append(pd.DataFrame(dict(label="target", exponent=math.nan, x=x.numpy(), value=y.numpy(),
                                             train=train.numpy())))
    return dict(curves=pd.concat(curve_frames, ignore_index=True),
                residuals=pd.concat(residual_frames, ignore_index=True),
                functions=pd.concat(function_frames, ignore_index=True))


# ----------------------------------------------------------------------------------------------- Fig. 4
def sparse_frequency_sweep(cfg: Mapping[str, Any], *, seed: int, device: torch.device,
                           checkpoint: Checkpointer | None = None) -> pd.DataFrame:
    """Test error of networks on 16 (``n_frequencies``) random frequencies against their RMS, per generator
    and scale, for each 1/f^α family of signals, plus the dense baseline b = 1 … n_train/2, a_j = j^−p.

    ``cfg``: n_train (training points; the test points sit between them), signal_exponents, dense_exponents
    (one per family), n_signals, n_frequencies, generator_scale_factors {generator: factor}, scale_log2_min,
    scale_log2_max, n_scales, n_layers, width, learning_rate, n_steps, max_members_per_batch. Returns one row
    per trained network: signal_exponent, signal, generator ("dense" for the baseline), scale, dense_exponent,
    frequency_rms, train_mse, test_mse.
    """
    n = cfg["n_train"]
    x = torch.arange(2 * n, dtype=torch.float64) / (2 * n)
    scales = 2.0 ** torch.linspace(cfg["scale_log2_min"], cfg["scale_log2_max"], cfg["n_scales"], dtype=torch.float64)
    members = []  # dict(meta..., b (m,), a (m,), target (2n,))
    for fi, (alpha, p_dense) in enumerate(zip(cfg["signal_exponents"], cfg["dense_exponents"])):
        g = torch.Generator().manual_seed(seed_for(seed, 4, fi))
        signals = colored_noise.power_law_signals(2 * n, float(alpha), cfg["n_signals"], scaling="joint", generator=g)
        for si in range(cfg["n_signals"]):
            a, b = mappings.power_law_amplitudes(n // 2, float(p_dense))
            members.append(dict(signal_exponent=float(alpha), signal=si, generator="dense", scale=math.nan,
                                dense_exponent=float(p_dense), a=a, b=b, target=signals[si],
                                seed=seed_for(seed, 40, fi, si)))
            for gi, (gen, factor) in enumerate(cfg["generator_scale_factors"].items()):
                bg = torch.Generator().manual_seed(seed_for(seed, 41, fi, si, gi))
                for ci, sc in enumerate(scales.tolist()):
                    b = mappings.sample_frequencies(gen, (cfg["n_frequencies"],), factor * sc, generator=bg)
                    members.append(dict(signal_exponent=float(alpha), signal=si, generator=gen, scale=sc,
                                        dense_exponent=math.nan, a=torch.ones_like(b), b=b, target=signals[si],
                                        seed=seed_for(seed, 42, fi, si, gi, ci)))
    by_size: dict[int, list[dict]] = defaultdict(list)
    for m in members:
        by_size[len(m["b"])].append(m)
    net = dict(width=cfg["width"], n_layers=cfg["n_layers"], init="standard")
    rows = []
    chunk = cfg["max_members_per_batch"]
    for gi, group in enumerate(by_size.values()):
        for start in range(0, len(group), chunk):
            part = group[start:start + chunk]
            feats = mappings.FourierFeatures(torch.stack([m["b"] for m in part]).unsqueeze(-1),
                                             torch.stack([m["a"] for m in part]), normalise=True)(x.unsqueeze(1))
            feats = feats.to(torch.float32)
            targets = torch.stack([m["target"] for m in part]).to(torch.float32).unsqueeze(-1)
            base, result = _train_members(feats[:, ::2].to(device), targets[:, ::2].to(device),
                                          [m["seed"] for m in part], net, loss_fn=half_sse,
                                          learning_rate=cfg["learning_rate"], n_steps=cfg["n_steps"], optimizer="adam",
                                          record_every=cfg["n_steps"], record_fn=None, device=device,
                                          checkpoint=child(checkpoint, f"group{gi}-{start}"),
                                          progress=f"ff-fig4 networks {start + 1}-{start + len(part)} of size "
                                                   f"group {gi + 1}/{len(by_size)}")
            out = predict(base, result.params, feats.to(device), member_inputs=True).cpu().double()
            err = (out - targets.double()) ** 2
            for k, m in enumerate(part):
                rows.append(dict(signal_exponent=m["signal_exponent"], signal=m["signal"], generator=m["generator"],
                                 scale=m["scale"], dense_exponent=m["dense_exponent"],
                                 frequency_rms=float(mappings.frequency_rms(m["b"])),
                                 train_mse=float(err[k, ::2].mean()), test_mse=float(err[k, 1::2].mean())))
    return pd.DataFrame(rows)

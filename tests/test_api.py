"""The public library API: netspectra.roughness, input_spectrum, SpectrumRecorder, plot_* on users' own models."""

import copy
import importlib.util
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import netspectra
from netspectra import io, powerlaw, schemas
from netspectra.api import OptionError, default_layers
from netspectra.sampling import sample_model_paths

REPO = Path(__file__).resolve().parents[1]


def tiny_resnet():
    spec = importlib.util.spec_from_file_location("tiny_resnet", REPO / "examples" / "tiny_resnet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def small_cnn():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
                         nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10))


X = torch.randn(4, 3, 8, 8, generator=torch.Generator().manual_seed(1))
Y = torch.tensor([0, 3, 5, 9])
FAST = dict(n_points=32, n_directions=2, max_paths_per_layer=32, chunk=8)


class Sine(nn.Module):
    """sin(frequency · x): after a linear layer, the output oscillates along any weight direction."""

    def __init__(self, frequency: float):
        super().__init__()
        self.frequency = frequency

    def forward(self, x):
        return torch.sin(self.frequency * x)


def snapshot(model):
    return (copy.deepcopy(model.state_dict()), model.training,
            [getattr(m, "inplace", None) for m in model.modules()], dict(model.__dict__))


# ----------------------------------------------------------------------------------------------- roughness
def test_the_public_names_load_lazily_from_the_top_level():
    run = subprocess.run([sys.executable, "-c", "import sys, netspectra; print('torch' in sys.modules); "
                          "print(all(hasattr(netspectra, n) for n in netspectra.__all__))"],
                         capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "True"]
    public = {"roughness", "input_spectrum", "SpectrumRecorder", "plot_spectrum", "plot_roughness"}
    assert public <= set(dir(netspectra))


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_roughness_never_modifies_the_callers_model(mode):
    model = small_cnn().train(mode == "train")
    before = snapshot(model)
    hooks = sum(len(m._forward_hooks) for m in model.modules())
    table = netspectra.roughness(model, X, loss=Y, direction="gradient", **FAST)
    after = snapshot(model)
    assert all(torch.equal(before[0][k], v) for k, v in after[0].items())  # weights and BatchNorm statistics
    assert before[1:] == after[1:]  # mode, inplace flags, attributes (no layer_names added)
    assert sum(len(m._forward_hooks) for m in model.modules()) == hooks
    assert len(table) == 6 and table.layer_name.iloc[-1] == "loss"


def test_default_layers_skip_modules_without_parameters_unless_named():
    model = small_cnn()
    assert default_layers(model) == ["0", "1", "3", "4", "8"]  # not ReLU, pooling or Flatten
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no bare numpy warnings (a Flatten once gave "Degrees of freedom <= 0")
        table = netspectra.roughness(model, X, layers=["5", "7"], **FAST)
    assert list(table.layer_name) == ["5", "7"] and np.isfinite(table.h).all() and np.isfinite(table.h_std).all()
    schemas.check(table, "roughness")


def test_a_layer_linear_in_the_weights_sits_on_the_floor_of_the_plain_dft_and_is_left_out_when_detrended():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8))
    x = torch.randn(4, 4)
    plain = netspectra.roughness(model, x, estimator="plain", n_points=64, n_directions=2)
    assert plain.estimator.iloc[0] == "plain"
    assert plain.floor_h.iloc[0] == pytest.approx(powerlaw.floor_h(64, 1, 16))
    assert abs(plain.h.iloc[0] - plain.floor_h.iloc[0]) < 0.05 and plain.r2.iloc[0] > 0.99
    detrended = netspectra.roughness(model, x, n_points=64, n_directions=2)
    assert detrended.estimator.iloc[0] == "detrended"
    # After the line is removed only float32 rounding is left: not "h ≈ 0, the roughest", but no path at all.
    assert detrended.n_paths.iloc[0] == 0 and detrended.n_left_out.iloc[0] == 2 * 4 * 8
    assert np.isnan(detrended.h.iloc[0])


def test_an_oscillating_layer_is_rougher_than_a_kinked_one_with_either_estimator():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), Sine(frequency=200.0))
    x = torch.randn(4, 4)
    for estimator in ("plain", "detrended"):
        table = netspectra.roughness(model, x, layers=["1", "2"], n_points=64, estimator=estimator)
        kinked, wiggly = table.h.to_numpy()
        assert wiggly < kinked - 0.5, table
        assert kinked < table.floor_h.iloc[0] + 0.1


def test_the_same_paths_as_the_pipelines_sampler():
    model = small_cnn()
    table, paths = netspectra.roughness(model, X, layers=["1", "4", "8"], return_paths=True, seed=3, **FAST)
    engine_model = copy.deepcopy(model)
    for m in engine_model.modules():
        if hasattr(m, "inplace"):
            m.inplace = False
    engine_model.layer_names = ["1", "4", "8"]
    engine = sample_model_paths(engine_model, X, Y, direction="all", n_directions=2, n_points=32, radius=1.0,
                                layers=["1", "4", "8"], max_paths_per_layer=32, batchnorm="batch", chunk=8, seed=3)
    assert len(paths) == len(engine)
    np.testing.assert_array_equal(np.stack(paths["values"]), np.stack(engine["values"]))
    assert list(table.n_paths + table.n_left_out) == [64, 64, 64]  # 32 entries × 2 directions


def test_netspectras_own_stacked_models_give_the_pipelines_paths():
    from netspectra.models import build_model

    model = build_model({"arch": "toycnn", "depth": 3, "width": 8}, seed=0)
    x = torch.randn(4, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    # The API reads layer:<module name>; the pipeline's layer:<k> indexes model.layer_names (units.1 = 2).
    table, paths = netspectra.roughness(model, x, direction="layer:units.1", return_paths=True, **FAST)
    assert list(table.layer_name) == model.layer_names == ["stem", "units.0", "units.1", "units.2"]
    engine = sample_model_paths(copy.deepcopy(model), x, None, direction="layer:2", n_directions=2, n_points=32,
                                radius=1.0, layers=model.layer_names, max_paths_per_layer=32, batchnorm="batch",
                                chunk=8, seed=0)
    np.testing.assert_array_equal(np.stack(paths["values"]), np.stack(engine["values"]))
    assert list(table.n_paths[:2]) == [0, 0]  # the layers before the moved one do not move
    with pytest.raises(OptionError, match="a loss callable needs a model evaluated through torch.func"):
        netspectra.roughness(model, x, loss=lambda out: out.sum(), **FAST)


def test_loss_path_from_labels_equals_the_loss_callable():
    model = small_cnn()
    by_labels, p1 = netspectra.roughness(model, X, layers=["8"], loss=Y, return_paths=True, **FAST)
    by_callable, p2 = netspectra.roughness(model, X, layers=["8"], loss=lambda out: F.cross_entropy(out, Y),
                                           return_paths=True, **FAST)
    assert list(by_labels.layer_name) == list(by_callable.layer_name) == ["8", "loss"]
    loss1 = np.stack(p1[p1.layer_name == "loss"]["values"])
    loss2 = np.stack(p2[p2.layer_name == "loss"]["values"])
    np.testing.assert_allclose(loss1, loss2, rtol=1e-5)
    np.testing.assert_array_equal(np.stack(p1[p1.layer_name == "8"]["values"]),
                                  np.stack(p2[p2.layer_name == "8"]["values"]))  # same directions when wrapped
    with torch.no_grad():
        start = F.cross_entropy(copy.deepcopy(model).train()(X), Y)
    assert loss1[:, 0] == pytest.approx([float(start)] * 2, rel=1e-5)  # t = 0: the model's own loss
    assert by_labels.h.iloc[-1] == pytest.approx(by_callable.h.iloc[-1], abs=1e-3)


def test_batchnorm_follows_the_models_mode():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 6), nn.BatchNorm1d(6))
    x = torch.randn(8, 3)
    with torch.no_grad():  # trained-looking running statistics
        model[1].running_mean.normal_()
        model[1].running_var.uniform_(0.5, 2)
    # On the batch's statistics the normalisation moves with the weights: a curved path. On running statistics
    # BatchNorm is affine, so the output is a straight line in the weights: nothing left after detrending.
    train = netspectra.roughness(model.train(), x, layers=["1"], n_points=32, n_directions=2, direction="layer:0")
    assert train.n_paths.iloc[0] > 0 and np.isfinite(train.h.iloc[0])
    running = netspectra.roughness(model.eval(), x, layers=["1"], n_points=32, n_directions=2, direction="layer:0")
    assert running.n_paths.iloc[0] == 0
    forced = netspectra.roughness(model, x, layers=["1"], n_points=32, n_directions=2, direction="layer:0",
                                  batchnorm="batch")
    assert forced.h.iloc[0] == pytest.approx(train.h.iloc[0])


@pytest.mark.parametrize("options, message", [
    (dict(n_points=-5), "n_points must be at least 8"),
    (dict(n_points=12), "n_points gives a fit range k = 1…3 of 3 frequencies"),
    (dict(n_points=64, k_max=40), "k_max must be at most n_points/2 = 32"),
    (dict(radius=0.0), "radius must be a positive finite number"),
    (dict(radius=float("nan")), "radius must be a positive finite number"),
    (dict(n_directions=0), "n_directions must be at least 1"),
    (dict(n_directions=2.5), "n_directions must be an integer"),
    (dict(estimator="hann"), "estimator must be one of ['plain', 'detrended']"),
    (dict(batchnorm="frozen"), "batchnorm must be one of"),
    (dict(layers=["layerX"]), "has no module(s) ['layerX']"),
    (dict(layers=["loss"]), "names 'loss' (the loss path): give the labels"),
    (dict(direction="layer:7"), "no parameters under module '7'; modules with parameters: 0, 1, 3, 4, 8"),
    (dict(direction="random"), "direction must be 'all', 'gradient' or 'layer:<module name>'"),
    (dict(loss=torch.zeros(3, dtype=torch.long)), "loss: expected integer class labels of shape (4,)"),
    (dict(loss=torch.zeros(4)), "got a torch.float32 tensor of shape (4,)"),
])
def test_bad_options_are_named_in_the_message(options, message):
    with pytest.raises(OptionError) as error:
        netspectra.roughness(small_cnn(), X, **options)
    assert message in str(error.value)


def test_unknown_layer_names_list_the_models_real_module_names():
    model = tiny_resnet().resnet8()
    with pytest.raises(OptionError) as error:
        netspectra.roughness(model, X, layers=["layerX", "fc"])
    text = str(error.value)
    assert "layerX" in text and "did you mean layer1, layer2, layer3" in text
    assert "layer1.0.conv1" in text and "avgpool" in text and "recordable: ['layerX']" not in text


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_roughness_on_cuda_matches_the_cpu():
    model = small_cnn()
    cpu = netspectra.roughness(model, X, loss=Y, **FAST)
    gpu = netspectra.roughness(copy.deepcopy(model).cuda(), X.cuda(), loss=Y.cuda(), **FAST)
    np.testing.assert_allclose(gpu.h, cpu.h, atol=0.05)


def test_inputs_on_another_device_than_the_model_are_refused():
    with pytest.raises(OptionError, match="x is on meta but the model's parameters on cpu"):
        netspectra.roughness(small_cnn(), X.to("meta"), **FAST)


# ------------------------------------------------------------------------------------------ real models
def test_a_deep_plain_cnn_is_rougher_than_its_shortcut_twin():
    """He et al.'s plain-32 against ResNet-32 (examples/tiny_resnet.py), h per layer for both, default estimator."""
    module = tiny_resnet()
    tables = []
    for shortcut in (True, False):
        torch.manual_seed(0)
        model = module.resnet(32, shortcut=shortcut)
        table = netspectra.roughness(model, X, layers=["layer1", "layer2", "layer3", "fc"], n_points=64,
                                     n_directions=2, max_paths_per_layer=64)
        tables.append(table.assign(model="resnet32" if shortcut else "plain32"))
    both = pd.concat(tables, ignore_index=True)
    assert (both.estimator == "detrended").all() and np.isfinite(both.h).all()
    h = both.pivot(index="layer_name", columns="model", values="h")
    assert list(h.index) == ["fc", "layer1", "layer2", "layer3"]
    # Without shortcuts the deep stages come out rougher (smaller h), well beyond the spread over directions.
    spread = both.h_std.max()
    for layer in ("layer3", "fc"):
        assert h.loc[layer, "plain32"] < h.loc[layer, "resnet32"] - max(0.2, 3 * spread), h
    fig = netspectra.plot_roughness(both)
    assert {"resnet32", "plain32"} <= {t.get_text() for t in fig.axes[0].get_legend().get_texts()}


def test_a_plain_sequential_cnn_reports_h_per_layer():
    torch.manual_seed(0)
    model = tiny_resnet().plain_cnn(depth=6, width=8)
    table = netspectra.roughness(model, X, loss=Y, **FAST)
    names = [str(i) for i in range(0, 18, 3)]  # the convolutions; BatchNorm layers have parameters too
    assert list(table.layer_name) == [n for n, _ in model.named_children()
                                      if any(True for _ in model.get_submodule(n).parameters())] + ["loss"]
    assert set(names) <= set(table.layer_name)
    assert table.n_paths.iloc[0] == 0  # the first convolution is linear in the weights: nothing left
    fitted = table.set_index("layer_name")[table.n_paths.to_numpy() > 0]
    assert np.isfinite(fitted.h).all() and (fitted.r2 > 0.9).all()
    floor = table.floor_h.iloc[0]
    # BatchNorm of that linear output is smooth: it sits on the estimator's floor. Every layer after the first
    # ReLU has kinks along the path and comes out well below it.
    assert abs(fitted.h["1"] - floor) < 0.1
    assert (fitted.h.drop("1") < floor - 1).all()


def _torchvision():
    try:
        import torchvision
    except (ImportError, RuntimeError) as error:  # 0.28.0 against this CPU torch: "operator torchvision::nms ..."
        pytest.skip(f"torchvision does not import here: {error}")
    return torchvision


def test_torchvision_resnet18():
    torchvision = _torchvision()
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None)
    table = netspectra.roughness(model, torch.randn(2, 3, 32, 32), layers=["layer4", "fc"], n_points=16,
                                 n_directions=1, max_paths_per_layer=16, chunk=4)
    assert list(table.layer_name) == ["layer4", "fc"] and np.isfinite(table.h).all()
    assert default_layers(model) == ["conv1", "bn1", "layer1", "layer2", "layer3", "layer4", "fc"]


# ------------------------------------------------------------------------------------------ input space
class Fixed(nn.Module):
    """f(x) = Σ_i a_i sin(2π k_i x_0) (+ x_1 term on a grid): a model whose spectrum is known exactly."""

    def __init__(self, terms):
        super().__init__()
        self.terms = terms
        self.scale = nn.Parameter(torch.ones(()))

    def forward(self, x):
        return self.scale * sum(a * torch.sin(2 * torch.pi * k * x[:, axis]) for a, k, axis in self.terms)[:, None]


def test_input_spectrum_reads_the_amplitude_of_each_sine_on_a_line():
    x = netspectra.line(64)
    table = netspectra.input_spectrum(Fixed([(0.5, 3, 0), (2.0, 7, 0)]), x)
    assert list(table.k) == list(range(1, 33))
    amp = table.set_index("k").amplitude
    assert amp[3] == pytest.approx(0.5, abs=1e-6) and amp[7] == pytest.approx(2.0, abs=1e-6)
    assert amp.drop([3, 7]).max() < 1e-6 and table.normalised_amplitude.isna().all()


def test_input_spectrum_on_a_grid_sums_rings():
    x = netspectra.grid(32)
    assert x.shape == (32, 32, 2)
    amp = netspectra.input_spectrum(Fixed([(1.5, 4, 0), (0.25, 6, 1)]), x).set_index("k").amplitude
    assert amp[4] == pytest.approx(1.5, abs=1e-6) and amp[6] == pytest.approx(0.25, abs=1e-6)
    assert amp.drop([4, 6]).max() < 1e-6


def test_a_target_picks_its_frequencies_and_normalises():
    x = netspectra.line(64)
    target = 1.0 * torch.sin(2 * torch.pi * 2 * x[:, 0]) + 0.5 * torch.sin(2 * torch.pi * 9 * x[:, 0])
    table = netspectra.input_spectrum(Fixed([(0.5, 2, 0), (0.5, 9, 0)]), x, target=target)
    assert list(table.k) == [2, 9]
    assert list(table.normalised_amplitude.round(6)) == [0.5, 1.0]


def test_input_spectrum_validates_its_inputs():
    with pytest.raises(ValueError, match="outputs per input: choose one with output="):
        netspectra.input_spectrum(nn.Linear(1, 3), netspectra.line(16))
    with pytest.raises(ValueError, match="frequencies must lie in 1 … 8"):
        netspectra.input_spectrum(nn.Linear(1, 1), netspectra.line(16), frequencies=[9])
    with pytest.raises(ValueError, match="target: expected 16 values"):
        netspectra.input_spectrum(nn.Linear(1, 1), netspectra.line(16), target=torch.zeros(15))
    with pytest.raises(ValueError, match="every must be an integer ≥ 1"):
        netspectra.SpectrumRecorder(netspectra.line(16), every=0)


def test_spectrum_recorder_in_a_plain_training_loop(tmp_path):
    torch.manual_seed(0)
    x = netspectra.line(32)
    y = torch.sin(2 * torch.pi * 2 * x) + torch.sin(2 * torch.pi * 5 * x)
    model = nn.Sequential(nn.Linear(1, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 1))
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    recorder = netspectra.SpectrumRecorder(x, target=y, every=10, run=2)
    recorded = []
    for step in range(31):
        loss = F.mse_loss(model(x), y)
        recorded.append(recorder(model, step, loss))
        assert model.training  # evaluated in eval mode, the mode restored
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    assert [s for s, r in enumerate(recorded) if r] == [0, 10, 20, 30]
    table = recorder.table
    schemas.check(table, "sb_spectrum")
    assert list(table.k.unique()) == [2, 5] and (table.run == 2).all() and len(table) == 8
    assert np.isfinite(table.loss).all() and table.loss.iloc[-1] < table.loss.iloc[0]
    recorder.write(tmp_path / "spectrum.parquet", config={"learning_rate": 1e-2})
    back = io.read_table(tmp_path / "spectrum.parquet", "sb_spectrum")
    pd.testing.assert_frame_equal(back, table)
    meta = io.read_metadata(tmp_path / "spectrum.parquet")
    assert meta["config"]["every"] == 10 and meta["config"]["learning_rate"] == 1e-2
    fig = netspectra.plot_spectrum(back)
    ax = fig.axes[0]
    assert ax.get_xlabel().startswith("frequency k") and ax.get_ylabel() == "training step"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "5"]


def test_recorder_without_target_records_amplitudes_and_the_plot_falls_back_to_them():
    recorder = netspectra.SpectrumRecorder(netspectra.line(16), every=1)
    model = Fixed([(1.0, 3, 0)])
    recorder(model, 0)
    table = recorder.table
    assert table.normalised_amplitude.isna().all() and table.loss.isna().all()
    fig = netspectra.plot_spectrum(table)
    assert "output units" in fig.axes[-1].get_ylabel()  # the colour bar of raw amplitudes
    snapshot_fig = netspectra.plot_spectrum(netspectra.input_spectrum(model, netspectra.line(16)))
    assert snapshot_fig.axes[0].get_yscale() == "log"

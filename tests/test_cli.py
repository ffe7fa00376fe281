"""The `netspectra` command: roughness and spectrum of a user's own model, through the library API."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import netspectra
from netspectra import cli, io, schemas

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "tiny_resnet.py"
SMALL = ["--n-points", "16", "--n-directions", "2", "--batch-size", "2", "--max-paths-per-layer", "16",
         "--input-size", "8", "--device", "cpu"]


def test_command_line_writes_a_parquet_table_with_provenance(tmp_path, capsys):
    out = tmp_path / "h.parquet"
    paths_out = tmp_path / "paths.parquet"
    plot = tmp_path / "h.png"
    code = cli.main(["roughness", f"{EXAMPLE}:resnet8", "--layers", "layer1", "fc", *SMALL, "--output", str(out),
                     "--paths-output", str(paths_out), "--plot", str(plot)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "layer1" in printed and "fc" in printed and "detrended DFT" in printed and "floor_h" in printed
    table = io.read_table(out, "roughness")
    assert list(table.layer_name) == ["layer1", "fc"] and (table.estimator == "detrended").all()
    assert (table.n_directions == 2).all() and (table.k_max == 4).all() and (table.model == f"{EXAMPLE}:resnet8").all()
    assert table.floor_h.iloc[0] == pytest.approx(netspectra.powerlaw.floor_h(16, 1, 4, detrend="linear",
                                                                              window="hann"))
    meta = io.read_metadata(out)
    assert meta["rule"] == "netspectra roughness" and meta["config"]["layers"] == ["layer1", "fc"]
    assert "digits" in meta["config"]["data_source"] and meta["config"]["batchnorm_used"] == "batch"
    schemas.check(io.read_table(paths_out), "paths")
    assert plot.stat().st_size > 0


def test_plain_estimator_loss_path_and_kwargs(tmp_path):
    out = tmp_path / "h.parquet"
    code = cli.main(["roughness", f"{EXAMPLE}:resnet8", "--kwargs", '{"shortcut": false}', "--layers", "layer3",
                     "--estimator", "plain", "--loss", *SMALL, "--output", str(out)])
    assert code == 0
    table = io.read_table(out, "roughness")
    assert list(table.layer_name) == ["layer3", "loss"] and (table.estimator == "plain").all()
    assert table.floor_h.iloc[0] == pytest.approx(netspectra.powerlaw.floor_h(16, 1, 4))


def test_inputs_from_an_npy_file_and_the_gradient_direction(tmp_path):
    x = np.random.default_rng(0).normal(size=(6, 3, 8, 8)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    out = tmp_path / "h.parquet"
    code = cli.main(["roughness", f"{EXAMPLE}:resnet8", "--data", str(tmp_path / "x.npy"), "--direction", "gradient",
                     "--layers", "layer2", "--n-points", "16", "--n-directions", "1", "--batch-size", "3",
                     "--max-paths-per-layer", "8", "--output", str(out)])
    assert code == 0
    table = io.read_table(out, "roughness")
    assert table.direction_kind.iloc[0] == "gradient" and np.isfinite(table.h).all()


def test_trained_weights_are_loaded_and_use_running_statistics(tmp_path):
    spec = cli.load_factory(f"{EXAMPLE}:resnet8")
    torch.manual_seed(5)
    model = spec()
    torch.save({"state_dict": model.state_dict()}, tmp_path / "w.pt")
    out = tmp_path / "h.parquet"
    assert cli.main(["roughness", f"{EXAMPLE}:resnet8", "--weights", str(tmp_path / "w.pt"), "--layers", "fc",
                     *SMALL, "--output", str(out)]) == 0
    assert io.read_metadata(out)["config"]["batchnorm_used"] == "running"
    torch.save(nn.Linear(2, 2).state_dict(), tmp_path / "other.pt")
    assert cli.main(["roughness", f"{EXAMPLE}:resnet8", "--weights", str(tmp_path / "other.pt")]) == 2


@pytest.mark.parametrize("argv, message", [
    (["--n-points", "-5"], "--n-points must be at least 8"),
    (["--n-points", "4"], "--n-points must be at least 8"),
    (["--n-points", "12"], "--n-points gives a fit range k = 1…3"),
    (["--radius", "0"], "--radius must be a positive finite number"),
    (["--n-directions", "0"], "--n-directions must be at least 1"),
    (["--k-max", "80"], "--k-max must be at most n_points/2 = 50"),
    (["--layers", "layerX"], "--layers: ResNet has no module(s) ['layerX']; did you mean layer1, layer2, layer3?"),
    (["--direction", "layer:nothing"], "--direction 'layer:nothing': no parameters under module 'nothing'"),
    (["--kwargs", "{bad"], "--kwargs is not a JSON object"),
    (["--channels", "1", "--n-points", "16", "--n-directions", "1"], "on inputs of shape (8, 1, 32, 32)"),
])
def test_bad_options_give_one_line_naming_the_option(argv, message, capsys):
    assert cli.main(["roughness", f"{EXAMPLE}:resnet8", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert err.startswith("netspectra roughness: error: ")


def test_the_layer_message_lists_the_real_module_names(capsys):
    assert cli.main(["roughness", f"{EXAMPLE}:resnet8", "--layers", "layerX"]) == 2
    err = capsys.readouterr().err
    assert "Its modules are: conv1, bn1, relu, layer1, layer1.0, layer1.0.conv1" in err
    assert "recordable: ['layerX']" not in err


def test_bad_factory_fails_with_a_message(capsys):
    assert cli.main(["roughness", f"{EXAMPLE}:no_such_model"]) == 2
    assert "no_such_model" in capsys.readouterr().err
    assert cli.main(["roughness", "nothing-here"]) == 2


def test_argparse_errors_exit_without_a_traceback(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["roughness", f"{EXAMPLE}:resnet8", "--batch-size", "0"])
    assert exit_.value.code == 2
    assert "argument --batch-size: must be at least 1, got 0" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"netspectra {netspectra.__version__}"


def test_a_progress_bar_on_a_terminal(capsys):
    torch.manual_seed(0)
    netspectra.roughness(nn.Sequential(nn.Linear(3, 4), nn.Tanh()), torch.randn(2, 3), layers=["1"], n_points=16,
                         n_directions=3, progress=True)
    err = capsys.readouterr().err
    assert "roughness of Sequential:   0%" in err and "0/3" in err and "direction/s" in err  # tqdm


LINE_MODEL = ["torch.nn:Linear", "--kwargs", '{"in_features": 1, "out_features": 1}', "--device", "cpu"]


def test_spectrum_of_a_model_on_a_line_with_a_target(tmp_path, capsys):
    z = np.arange(64) / 64
    np.save(tmp_path / "target.npy", np.sin(2 * np.pi * 3 * z) + 0.2 * np.sin(2 * np.pi * 11 * z))
    out, plot = tmp_path / "spectrum.parquet", tmp_path / "spectrum.png"
    code = cli.main(["spectrum", *LINE_MODEL, "--points", "64", "--target", str(tmp_path / "target.npy"),
                     "--output", str(out), "--plot", str(plot)])
    assert code == 0
    assert "normalised_amplitude" in capsys.readouterr().out
    table = io.read_table(out, "input_spectrum")
    assert list(table.k) == [3, 11] and np.allclose(table.target_amplitude, [1.0, 0.2])
    assert io.read_metadata(out)["config"]["points_shape"] == [64, 1] and plot.stat().st_size > 0


def test_spectrum_on_a_grid_and_its_errors(tmp_path, capsys):
    grid_model = ["torch.nn:Linear", "--kwargs", '{"in_features": 2, "out_features": 1}', "--device", "cpu"]
    assert cli.main(["spectrum", *grid_model, "--dims", "2", "--points", "16", "--output",
                     str(tmp_path / "s.parquet")]) == 0
    assert list(io.read_table(tmp_path / "s.parquet").k) == list(range(1, 9))
    capsys.readouterr()
    assert cli.main(["spectrum", *grid_model, "--points", "16"]) == 2  # a line of scalars into a 2-input model
    assert "on inputs of shape (16, 1) failed (see --dims, --inputs)" in capsys.readouterr().err
    assert cli.main(["spectrum", *LINE_MODEL, "--points", "4"]) == 2
    assert "--points must be at least 8" in capsys.readouterr().err
    assert cli.main(["spectrum", *LINE_MODEL, "--range", "1", "0"]) == 2
    assert "--range: HIGH must exceed LOW" in capsys.readouterr().err


def test_module_entry_point_runs():
    run = subprocess.run([sys.executable, "-m", "netspectra.cli", "roughness", "--help"], capture_output=True,
                         text=True)
    assert run.returncode == 0 and "MODULE:FACTORY" in run.stdout and "--estimator" in run.stdout

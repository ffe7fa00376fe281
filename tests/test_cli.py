"""`netspectra roughness`: h per layer of a user's own model, through the pipeline's path engine."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

from netspectra import cli, io, schemas

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "tiny_resnet.py"


class Sine(nn.Module):
    """sin(frequency · x): after a linear layer, the output oscillates along any weight direction (with
    frequency 200 and radius 1, about ten periods per path)."""

    def __init__(self, frequency: float):
        super().__init__()
        self.frequency = frequency

    def forward(self, x):
        return torch.sin(self.frequency * x)


def _h(model, layers, **kwargs):
    torch.manual_seed(0)
    x = torch.randn(4, 4)
    table, paths = cli.roughness(model, x, layers=layers, n_points=64, radius=1.0, n_directions=2, **kwargs)
    return table, paths


def test_a_path_linear_in_the_weights_has_h_near_one():
    # A linear layer's output moves on a straight line: only the end-to-end jump (|z_k| ~ 1/k) is left.
    table, paths = _h(nn.Sequential(nn.Linear(4, 8)), ["0"])
    assert list(table.layer_name) == ["0"]
    assert 0.9 < table.h.iloc[0] < 1.05
    assert table.r2.iloc[0] > 0.99
    assert len(paths) == 2 * 4 * 8 and all(len(v) == 64 for v in paths["values"])


def test_an_oscillating_path_is_rougher_than_a_straight_one():
    model = nn.Sequential(nn.Linear(4, 8), Sine(frequency=200.0))
    table, _ = _h(model, ["0", "1"])
    straight, wiggly = table.h.to_numpy()
    assert 0.9 < straight < 1.05  # the layer before the sine is linear in the weights
    assert wiggly < straight - 0.2, table


def test_default_layers_are_the_top_level_children_and_inplace_is_switched_off():
    from importlib import util

    spec = util.spec_from_file_location("tiny_resnet", EXAMPLE)
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.resnet8()
    assert cli.default_layers(model) == ["conv1", "bn1", "relu", "layer1", "layer2", "layer3", "avgpool", "fc"]
    x = torch.randn(2, 3, 8, 8)
    table, _ = cli.roughness(model, x, layers=["bn1", "layer3"], n_points=16, n_directions=1,
                             max_paths_per_layer=32, chunk=8)
    assert not any(getattr(m, "inplace", False) for m in model.modules())
    assert list(table.layer_name) == ["bn1", "layer3"]
    assert np.isfinite(table.h).all()


def test_command_line_writes_a_parquet_table_with_provenance(tmp_path, capsys):
    out = tmp_path / "h.parquet"
    paths_out = tmp_path / "paths.parquet"
    code = cli.main(["roughness", f"{EXAMPLE}:resnet8", "--layers", "layer1", "fc", "--n-points", "16",
                     "--n-directions", "2", "--batch-size", "2", "--max-paths-per-layer", "16", "--input-size", "8",
                     "--device", "cpu", "--output", str(out), "--paths-output", str(paths_out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "layer1" in printed and "fc" in printed
    table = io.read_table(out, "roughness")
    assert list(table.layer_name) == ["layer1", "fc"]
    assert (table.n_directions == 2).all() and (table.k_max == 4).all()
    meta = io.read_metadata(out)
    assert meta["rule"] == "netspectra roughness" and meta["config"]["layers"] == ["layer1", "fc"]
    assert "digits" in meta["config"]["data_source"]
    schemas.check(io.read_table(paths_out), "paths")


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


def test_bad_factory_fails_with_a_message(capsys):
    assert cli.main(["roughness", f"{EXAMPLE}:no_such_model"]) == 2
    assert "no_such_model" in capsys.readouterr().err
    assert cli.main(["roughness", "nothing-here"]) == 2


def test_module_entry_point_runs():
    run = subprocess.run([sys.executable, "-m", "netspectra.cli", "roughness", "--help"], capture_output=True,
                         text=True)
    assert run.returncode == 0 and "MODULE:FACTORY" in run.stdout

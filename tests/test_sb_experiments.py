"""Spectral-bias experiments on tiny inputs: robustness normalisation, data sets, KNN, tables with provenance."""

import numpy as np
import pytest
import torch

from netspectra import io, schemas
from netspectra.papers.sb.experiments import (
    perturbation_spectrum,
    train_classification,
    train_regression,
    unit_directions,
)
from netspectra.papers.sb.knn import knn_accuracy_grid
from netspectra.papers.sb.manifolds import binarised_sine_grid, sine_members
from netspectra.papers.sb.noise_regression import (
    flat_manifold,
    match_norm,
    mean_norm,
    nearest_neighbour_spacing,
    noise_regression,
)
from netspectra.seeds import derived_seed

TINY = dict(width=8, depth=2)


@pytest.fixture(scope="module")
def sines():
    ks = [2, 5]
    z, targets, amps, members = sine_members({"equal": [1.0, 1.0], "increasing": [0.5, 1.0]}, ks, 24, 2, seed=3)
    result = train_regression(z[:, None], targets, ks, amps, members, seeds=[0, 1, 2, 3], n_steps=12,
                              learning_rate=1e-2, record_every=4, record_norms=True, snapshot_steps=[0, 6],
                              n_snapshot_runs=1, **TINY)
    return z, ks, result


def test_sine_members_stack_settings_and_runs():
    z, targets, amps, members = sine_members({"a": [1.0, 2.0], "b": [0.1, 0.2]}, [1, 3], 16, 3, seed=0)
    assert targets.shape == (6, 16) and amps.shape == (6, 2)
    assert list(members["setting"]) == ["a"] * 3 + ["b"] * 3
    assert torch.equal(amps[4], torch.tensor([0.1, 0.2], dtype=torch.float64))
    assert not torch.allclose(targets[0], targets[1])  # runs draw their own phases


def test_regression_tables_match_their_schemas(sines, tmp_path):
    _, ks, result = sines
    spectrum = result["spectrum"].merge(result["loss"][["run", "step", "loss"]], on=["run", "step"])
    assert sorted(spectrum["step"].unique()) == [0, 4, 6, 8, 12]
    assert set(spectrum["k"]) == set(ks) and spectrum["setting"].nunique() == 2
    assert sorted(result["snapshots"]["step"].unique()) == [0, 6]
    assert result["norms"]["layer"].nunique() == TINY["depth"] + 1
    for name, table, schema in [("spectrum", spectrum, "sb_spectrum"), ("loss", result["loss"], "sb_loss"),
                                ("norms", result["norms"], "sb_norms"), ("snaps", result["snapshots"], "sb_snapshots")]:
        path = tmp_path / f"{name}.parquet"
        io.write_table(table, path, schema=schema, rule="test", config={"n_steps": 12}, seed=7)
        meta = io.read_metadata(path)
        assert meta["schema"] == schema and meta["seed"] == 7 and meta["config"] == {"n_steps": 12}
        assert {"torch", "numpy", "pandas"} <= set(meta["versions"])
        schemas.check(io.read_table(path), schema)


def test_normalised_amplitude_is_amplitude_over_target_amplitude(sines):
    _, _, result = sines
    s = result["spectrum"]
    inc = s[(s["setting"] == "increasing") & (s["k"] == 2)]
    np.testing.assert_allclose(inc["normalised_amplitude"], inc["amplitude"] / 0.5, rtol=1e-6)


def test_spectral_norms_are_exact(sines):
    _, _, result = sines
    final = result["norms"].query("step == 12 and run == 1").sort_values("layer")["spectral_norm"].to_numpy()
    weights = [p[1].detach() for n, p in result["params"].items() if n.endswith("weight")]
    np.testing.assert_allclose(final, [torch.linalg.svdvals(w.double())[0].item() for w in weights], rtol=1e-5)


def test_perturbation_zero_row_is_exactly_one(sines):
    z, ks, result = sines
    table = perturbation_spectrum(result["base"], result["params"], z[:, None].float(), ks, [0.0, 0.5, 3.0],
                                  n_directions=3, seed=1, chunk_size=5)
    zero = table[table["perturbation_size"] == 0]
    assert len(zero) == 4 * len(ks)
    assert (zero["relative_amplitude"] == 1.0).all()
    # a large random perturbation changes the function: the ratio leaves 1
    assert (table.loc[table["perturbation_size"] == 3.0, "relative_amplitude"] != 1.0).all()


def test_perturbation_directions_have_unit_global_norm(sines):
    _, _, result = sines
    dirs = unit_directions(result["params"], 5, seed=0)
    norm = torch.sqrt(sum((d.flatten(2) ** 2).sum(-1) for d in dirs.values()))
    torch.testing.assert_close(norm, torch.ones(4, 5))
    assert any("bias" in n for n in dirs)  # biases are perturbed too


def test_binarised_sine_grid_and_classification():
    inputs, labels, members = binarised_sine_grid([1, 3], [0, 4], 32, 1, seed=0)
    assert inputs.shape == (4, 32, 2) and labels.shape == (4, 32)
    torch.testing.assert_close(inputs[0].norm(dim=1), torch.ones(32))  # L = 0: circle
    assert list(members.columns) == ["k", "n_petals", "replicate"]
    # a single sine sampled on a full period grid is positive on half the points (±1 for the zero crossings)
    assert (labels.sum(1) - 16).abs().max() <= 1
    res = train_classification(inputs, labels, members, seeds=[0, 1, 2, 3], n_steps=5, learning_rate=1e-2,
                               record_every=5, **TINY)
    h = res["history"]
    assert set(h["step"]) == {0, 5} and h["accuracy"].between(0, 1).all() and h["loss"].notna().all()
    schemas.check(h, "sb_accuracy")


def test_knn_with_one_neighbour_fits_its_training_points():
    acc = knn_accuracy_grid([2, 6], [0, 8], 40, [1, 5], seed=0)
    schemas.check(acc, "sb_knn_accuracy")
    assert (acc.query("neighbours == 1 and evaluation == 'train'")["accuracy"] == 1.0).all()
    assert (acc.query("evaluation == 'heldout'")["accuracy"] < 1.0).any()


def test_flat_manifold_lives_in_the_first_coordinates():
    x = flat_manifold(50, 20, 4, seed=0)
    assert (x[:, 4:] == 0).all() and (x[:, :4] > 0).all() and (x[:, :4] < 1).all()


def test_matched_norm_and_nearest_neighbour_spacing():
    flat = flat_manifold(40, 10, 3, seed=0)
    curved = 5 * torch.rand(40, 10, generator=torch.Generator().manual_seed(1))
    scaled = match_norm(flat, curved)
    assert mean_norm(scaled) == pytest.approx(mean_norm(curved), rel=1e-6)
    ratio = scaled[flat != 0] / flat[flat != 0]
    assert torch.allclose(ratio, ratio[0].expand_as(ratio))  # one factor for every coordinate: a pure scaling
    grid = torch.tensor([[0.0, 0.0], [0.0, 1.0], [0.0, 3.0], [0.0, 7.0]])  # nearest: 1, 1, 2, 4
    assert nearest_neighbour_spacing(grid, chunk_size=3) == pytest.approx(2.0)
    assert nearest_neighbour_spacing(2 * grid) == pytest.approx(4.0)


def test_noise_regression_pairs_runs_across_manifolds():
    g = torch.Generator().manual_seed(0)
    manifolds = {"autoencoder": torch.rand(16, 6, generator=g), "flat": flat_manifold(16, 6, 2, seed=1)}
    losses = noise_regression(manifolds, n_runs=2, n_steps=10, learning_rate=1e-2, seed=5, **TINY)
    schemas.check(losses, "sb_noise_loss")
    assert set(losses["manifold"]) == {"autoencoder", "flat"} and set(losses["run"]) == {0, 1}
    first = losses.query("step == 10").groupby("manifold")["loss"].mean()
    assert (first < losses.query("step == 0").groupby("manifold")["loss"].mean()).all()


def test_derived_seeds_differ_between_experiments():
    assert derived_seed(0, "sb-fig1") != derived_seed(0, "sb-fig3")
    assert derived_seed(0, "sb-fig1") == derived_seed(0, "sb-fig1")
    assert derived_seed(0, "a", 1) != derived_seed(0, "a", 2)

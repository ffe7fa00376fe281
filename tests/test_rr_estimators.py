"""What issue 14 added to the weight-space engine: both estimators and their floors, the relative radius and
each layer's move, and the colour image tiles that stand in for CIFAR-10."""

import numpy as np
import pytest
import torch

from netspectra import datasets, powerlaw, spectra
from netspectra.directions import layer_moves, parameter_norm, random_direction
from netspectra.models import build_model
from netspectra.sampling import sample_model_paths

TOY = {"arch": "toycnn", "depth": 3, "width": 4, "activation": "relu", "image_size": 8}


def test_floors_are_the_h_of_a_line_and_of_a_parabola():
    assert powerlaw.floor_h(100) == pytest.approx(0.9677, abs=1e-4)
    assert powerlaw.floor_h(100, detrend="linear", window="hann") == pytest.approx(3.887, abs=1e-3)
    # k²-weighting is the derivative: one less
    assert powerlaw.floor_h(100, weight="k2") == pytest.approx(powerlaw.floor_h(100) - 1, abs=0.01)


def test_fit_estimators_recovers_both_exponents_and_broadcasts_the_floors():
    k = spectra.frequencies(100)
    power = np.stack([k ** -2.0, k ** -1.0])  # |z_k| ~ k^-1 and k^-0.5
    detrended = np.stack([k ** -6.0, k ** -4.0])
    out = powerlaw.fit_estimators(k, power, detrended)
    assert np.allclose(out["h"], [1.0, 0.5]) and np.allclose(out["h_detrended"], [3.0, 2.0])
    assert np.allclose(out["h_floor"], powerlaw.floor_h(100)) and out["h_detrended_floor"].shape == (2,)


def test_estimator_powers_leave_straight_lines_out_of_the_normalised_detrended_average():
    t = np.linspace(0, 1, 64)
    line, kinked = 2 * t + 1, np.maximum(t - 0.4, 0)
    power, detrended, used = spectra.estimator_powers(np.stack([line, kinked]), normalise="path_norm",
                                                      weight="none", detrend="none", window="none")
    assert used == 2
    # only the kinked path is left for the detrended estimator: its average is that path's own spectrum
    alone, _ = spectra.average_power(kinked[None], normalise="path_norm", detrend="linear", window="hann")
    assert np.allclose(detrended, alone)


def test_radius_relative_scales_with_the_weights_and_layer_moves_are_recorded():
    model = build_model(TOY, seed=0)
    x, y = torch.randn(2, 3, 8, 8), torch.tensor([1, 2])
    common = dict(direction="all", n_directions=1, n_points=8, layers=["loss"], max_paths_per_layer=None,
                  batchnorm="batch", chunk=8, seed=0)
    table = sample_model_paths(model, x, y, radius_relative=0.5, **common)
    assert table.radius.iloc[0] == pytest.approx(0.5 * parameter_norm(model))
    # the same direction at the same absolute radius gives the same path
    same = sample_model_paths(model, x, y, radius=float(table.radius.iloc[0]), **common)
    assert np.allclose(same["values"].iloc[0], table["values"].iloc[0])
    moves = layer_moves(model, random_direction(model, "all", 3), 2.0)
    assert list(moves) == model.layer_names and all(m > 0 for m in moves.values())
    assert 0 < table.layer_move.iloc[0] < 1
    with pytest.raises(ValueError, match="exactly one"):
        sample_model_paths(model, x, y, radius=1.0, radius_relative=0.5, **common)


def test_sample_patches_are_colour_tiles_that_stand_in_only_without_data_dir(tmp_path):
    data = datasets.load_images("cifar10", None, "test", stand_in="sample_patches")
    assert data.x.shape == (104, 3, 32, 32) and set(data.y.tolist()) == set(range(10))
    assert "sample images" in data.source and "cifar10" in data.source
    assert not torch.allclose(data.x[:, 0], data.x[:, 1])  # the channels differ, unlike copied digits
    assert datasets.load_images("sample_patches", None, "train", 16).x.shape == (416, 3, 16, 16)
    assert datasets.load_images("mnist", None, "test", stand_in="sample_patches").x.shape[1:] == (1, 28, 28)
    assert "digits" in datasets.load_images("cifar10", None, "test").source  # the default stand-in
    with pytest.raises(FileNotFoundError):  # a data_dir always wins over the stand-in
        datasets.load_images("cifar10", tmp_path, "test", stand_in="sample_patches")


def test_delta_orthogonal_stem_keeps_full_rank_on_colour_tiles_only():
    spec = {"arch": "toycnn", "depth": 1, "width": 16, "init": "delta_orthogonal", "in_channels": 3, "n_classes": 10}
    model = build_model(spec, seed=0)

    def stem_rank_ratio(x):  # smallest / largest singular value of the stem output over (channel, everything)
        with torch.no_grad():
            out = model.stem(x).transpose(0, 1).flatten(1).double()
        s = torch.linalg.svdvals(out - out.mean(1, keepdim=True))
        return float(s[2] / s[0])

    colour = datasets.load_images("cifar10", None, "test", stand_in="sample_patches").x[:8]
    grey = datasets.load_images("cifar10", None, "test").x[:8]  # digits copied into three channels
    assert stem_rank_ratio(colour) > 1e-3
    assert stem_rank_ratio(grey) < 1e-5

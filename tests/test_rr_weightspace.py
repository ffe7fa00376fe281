"""rr-fig1 (slope × ν transition), rr-fig15 (one layer at a time), rr-fig4 (median-h pick) and their figures."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import torch

from netspectra.models import build_model
from netspectra.papers.rr.experiments import layerwise_paths, transition_paths, varied_layers
from netspectra.papers.rr.figures import paths as path_figures
from netspectra.papers.rr.figures import spectra as spectrum_figures
from netspectra.papers.rr.tables import with_grid_column
from netspectra.paths import _recording
from netspectra.seeds import seed_for

RESNET = {"arch": "resnet", "depth": 8, "version": 2, "activation": "leaky_relu", "shortcut": True,
          "in_channels": 3, "n_classes": 10}
TOY = {"arch": "toycnn", "depth": 3, "width": 4, "activation": "relu", "image_size": 8}


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One torch thread: on a shared, busy CPU two OpenMP threads spin-wait on each other."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def batch():
    g = torch.Generator().manual_seed(0)
    return torch.randn(2, 3, 8, 8, generator=g), torch.tensor([1, 3])


@pytest.fixture(scope="module")
def transition(batch):
    x, y = batch
    return transition_paths(RESNET, {"slope": [0.0, 1.0], "nu": [0.0, 1.0]}, x, y, n_points=12, radius=2.0,
                            layers=["last"], n_paths=3, chunk=8, seed=5)


def test_transition_grid_shares_weights_direction_and_entries(transition, batch):
    x, _ = batch
    assert len(transition) == 4 * 3
    assert transition.groupby(["slope", "nu"]).path_index.apply(tuple).nunique() == 1
    # At t = 0 every grid point is its own network at the shared initial weights W.
    for (slope, nu), group in transition.groupby(["slope", "nu"]):
        model = build_model(RESNET | {"slope": slope, "nu": nu}, seed=seed_for(5, 0)).train()
        with torch.no_grad(), _recording(model, ["pool"]) as store:
            model(x)
        expected = store["pool"].flatten()[torch.as_tensor(group.path_index.to_numpy().copy())].numpy()
        start = np.array([v[0] for v in group["values"]])
        assert np.allclose(start, expected, atol=1e-5)


def test_transition_linear_network_is_smoother_than_relu(transition):
    def roughness(slope, nu):
        v = np.stack(transition[(transition.slope == slope) & (transition.nu == nu)]["values"].to_numpy())
        return np.abs(np.diff(v, n=2)).sum() / np.abs(np.diff(v)).sum()

    # slope 1 makes every LeakyReLU the identity: only BatchNorm bends the path, far less than ReLU kinks.
    assert roughness(1.0, 0.0) < roughness(0.0, 0.0)


def test_transition_rejects_options_that_change_weights(batch):
    x, y = batch
    with pytest.raises(ValueError, match="change the weights"):
        transition_paths(RESNET, {"depth": [8, 14]}, x, y, n_points=8, radius=1.0, layers=["last"], n_paths=1)


def test_layerwise_moves_one_layer_at_a_time(batch):
    x, _ = batch
    model = build_model(TOY, seed=0)
    assert varied_layers(model, "all") == [0, 1, 2, 3]
    assert varied_layers(model, [-1]) == [3]
    table = layerwise_paths(model, x, layers="all", record=["units.1"], n_directions=1, n_points=12, radius=1.0,
                            max_paths_per_layer=20, chunk=6, seed=0)
    assert sorted(table.varied_layer.unique()) == [0, 1, 2, 3]
    assert table.groupby("varied_layer").path_index.apply(tuple).nunique() == 1
    span = table.assign(span=[np.ptp(v) for v in table["values"]]).groupby("varied_layer").span.max()
    # units.1 (layer 2) does not depend on the weights of units.2 (layer 3): that path is constant.
    assert span[3] == 0
    assert (span[[0, 1, 2]] > 0).all()


def test_layerwise_rejects_out_of_range_layers():
    with pytest.raises(ValueError, match="out of range"):
        varied_layers(build_model(TOY, seed=0), [7])


def test_median_h_selection_picks_the_middle_path():
    fits = pd.DataFrame({"activation": ["relu"] * 5 + ["tanh"] * 4, "direction": list(range(5)) + list(range(4)),
                         "h": [0.9, 0.1, 0.5, 0.3, 0.7, 2.0, 1.0, 4.0, 3.0]})
    picks = path_figures.median_h_selection(fits, ["activation"]).set_index("activation")
    assert picks.loc["relu", "h"] == 0.5 and picks.loc["relu", "direction"] == 2
    assert picks.loc["tanh", "h"] == 2.0  # lower middle of 1, 2, 3, 4
    assert picks.loc["relu", "n_paths_ranked"] == 5


def test_transition_records_the_loss_path_for_every_direction(batch):
    x, y = batch
    table = transition_paths(RESNET, {"slope": [0.0, 1.0], "nu": [1.0]}, x, y, n_points=8, radius=2.0,
                             layers=["loss", "last"], n_paths=2, n_directions=2, chunk=8, seed=5)
    assert set(table.layer_name) == {"loss", "pool"}
    loss = table[table.layer_name == "loss"]
    assert len(loss) == 2 * 2 and (loss.path_index == 0).all()  # one loss path per (grid point, direction)
    assert loss.layer.iloc[0] == table[table.layer_name == "pool"].layer.iloc[0] + 1
    # At t = 0 the loss is the batch's cross-entropy at W, the same for both directions.
    start = loss.groupby("slope")["values"].apply(lambda v: np.ptp([p[0] for p in v]))
    assert (start < 1e-5).all()
    assert loss.groupby("direction")["values"].apply(lambda v: np.ptp(v.iloc[0])).gt(0).all()


def test_transition_figures_have_one_panel_per_grid_point(transition):
    table = transition.assign(h=1.0, intercept=0.0, h_detrended=3.0, intercept_detrended=0.0, h_floor=0.97,
                              h_detrended_floor=3.9, k_min=1, k_max=3)
    fig = path_figures.transition_grid(table)
    assert len([ax for ax in fig.axes if ax.lines]) == 4
    fig = path_figures.transition_regimes(table, "detrended")
    assert len([ax for ax in fig.axes if ax.lines]) == 6
    assert fig.axes[3].get_title().startswith("h = 3.00")


def test_branch_correlation_curves_one_line_per_activation():
    rows = []
    for act in ("relu", "tanh"):
        for d in range(2):
            for band in range(3):
                rows.append({"activation": act, "direction": d, "block": 0, "band": band,
                             "band_centre_k": 1.0 + 5 * band, "mean_abs_correlation": 0.5, "n_pairs": 10})
    fig = spectrum_figures.branch_correlation_curves(pd.DataFrame(rows))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["relu", "tanh"]


def test_grid_column_recovered_from_variant_ids():
    table = pd.DataFrame({"variant": ["radius-0.1", "radius-10.0", "radius-1e-05_width-4"], "k": [1, 1, 1]})
    assert with_grid_column(table, "radius").radius.tolist() == [0.1, 10.0, 1e-05]
    assert with_grid_column(table.assign(radius=2.0), "radius").radius.eq(2.0).all()
    with pytest.raises(ValueError, match="width"):
        with_grid_column(table, "width")


def test_median_paths_figure_shows_the_median_path_and_its_spectrum():
    rng = np.random.default_rng(0)
    rows, fits, spectra_rows = [], [], []
    for act in ("linear", "relu"):
        for shortcut in (False, True):
            variant = f"activation-{act}_shortcut-{str(shortcut).lower()}"
            for d, h in enumerate([2.0, 0.5, 1.0]):
                key = {"variant": variant, "init": 0, "direction": d, "layer": 3, "activation": act,
                       "shortcut": shortcut}
                rows.append(key | {"values": rng.standard_normal(8) + d, "radius": 1.0, "path_index": 0})
                fits.append(key | {"h": h, "intercept": 0.0, "h_detrended": 3.0, "k_min": 1, "k_max": 2})
                spectra_rows += [key | {"k": k, "power": float(d + 1) / k, "power_detrended": 1.0 / k**4}
                                 for k in range(1, 5)]
    paths, fits, spec = pd.DataFrame(rows), pd.DataFrame(fits), pd.DataFrame(spectra_rows)
    fig = path_figures.median_paths(paths, fits, spec, col_order=["relu", "linear"])
    top_left = fig.axes[0]
    assert top_left.get_title() == "relu, no shortcut"
    expected = paths[(paths.activation == "relu") & ~paths.shortcut & (paths.direction == 2)]["values"].iloc[0]
    assert np.allclose(top_left.lines[0].get_ydata(), expected)  # h = 1.0 is the median of 2.0, 0.5, 1.0
    spectrum_axis = fig.axes[2]  # row-major: the spectrum row under the first path row
    assert np.allclose(spectrum_axis.lines[0].get_ydata(), np.sqrt(3.0 / np.arange(1, 5)))

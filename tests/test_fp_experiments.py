"""The F-Principle experiments on tiny sizes: their tables match the fp_* schemas and carry provenance,
and record what the figures need (bad fp config: tests/test_config.py)."""

import numpy as np
import pytest
import torch
from matplotlib import pyplot as plt

from netspectra import grids, io
from netspectra.papers.fp import catalogue
from netspectra.papers.fp import data as fp_data
from netspectra.papers.fp import experiments as fp_experiments

CPU = torch.device("cpu")
PEAKS = {"max_frequency": 40, "n_peaks": 3, "min_relative_height": 0.0, "include_dc": False}


@pytest.fixture(autouse=True)
def one_thread():
    """These nets are tiny: on a busy 2-core machine a second torch thread only adds synchronisation."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def image_cfg(**changes):
    return {"sample_image": "camera", "image_file": None, "image_size": 12, "row": 5, "row_pixels": "train",
            "widths": [16, 16],
            "stds": [[0.08, 0.08], [0.5, 0.08]], "learning_rate": 1e-2, "n_steps": 30, "record_every": 10,
            "snapshot_steps": [10], "frequencies": None, "peaks": PEAKS} | changes


def curve_cfg(**changes):
    return {"target": "sine_sum", "angular_frequencies": [1.0, 3.0], "amplitudes": [1.0, 0.5], "n_points": 40,
            "x_min": -3.0, "x_max": 3.0, "widths": [16, 16], "stds": [[0.1, 0.1]], "learning_rate": 1e-2,
            "n_steps": 30, "record_every": 10, "frequencies": None, "peaks": PEAKS} | changes


def write_and_check(tables, tmp_path, rule, job):
    for name, table in tables.items():
        path = tmp_path / f"{name}.parquet"
        io.write_table(table, path, schema=f"fp_{name}", rule=rule, config=job, seed=0)
        meta = io.read_metadata(path)
        assert meta["rule"] == rule and meta["schema"] == f"fp_{name}" and meta["config"] == job
        assert {"torch", "numpy", "pandas"} <= set(meta["versions"])
        assert len(io.read_table(path, f"fp_{name}")) == len(table)


def test_image_data_is_centred_normalised_and_split_by_column():
    image, source = fp_experiments.image_target(image_cfg())
    assert image.shape == (12, 12) and "camera" in source
    assert abs(image.mean()) < 1e-12 and np.abs(image).max() == pytest.approx(1.0)
    mask = fp_data.odd_column_mask(3, 4)
    assert mask.tolist() == [[False, True, False, True]] * 3
    coords = grids.pixel_coordinates(3, 4, -1.0, 1.0, endpoint=True)
    # (row, column) of pixel (row 1, col 3): the middle row, the last column
    assert coords[1, 3].tolist() == [0.0, 1.0] and coords[0, 0].tolist() == [-1.0, -1.0]
    assert grids.pixel_coordinates(2, 4)[1, 3].tolist() == [0.5, 0.75]  # 0…1 grid without its end
    with pytest.raises(ValueError, match="unknown sample_image"):
        fp_data.read_grey_image("lena")
    with pytest.raises(FileNotFoundError, match="image_file"):
        fp_data.read_grey_image("camera", "/nonexistent/picture.png")


def test_image_file_wins_over_sample_image(tmp_path):
    from skimage import io as skio

    picture = np.zeros((10, 20), dtype=np.uint8)
    picture[:, ::2] = 255
    skio.imsave(tmp_path / "stripes.png", picture, check_contrast=False)
    image, source = fp_experiments.image_target(image_cfg(image_file=str(tmp_path / "stripes.png"), image_size=10))
    assert "stripes.png" in source and image.shape == (10, 10)


@pytest.fixture(scope="module")
def image_tables():
    torch.set_num_threads(1)
    return fp_experiments.run_image(image_cfg(), delta_kind="complex", device=CPU, seed=0)


@pytest.fixture(scope="module")
def curve_tables():
    torch.set_num_threads(1)
    return fp_experiments.run_curve(curve_cfg(), delta_kind="magnitude", device=CPU, seed=0)


MNIST_CFG = {"dataset": "digits", "widths": [16], "loss": "mse", "learning_rate": 1e-2, "batch_size": 256,
             "n_epochs": 2}
MNIST_STDS = [[0.1, 0.1], [0.3, 0.01]]


@pytest.fixture(scope="module")
def mnist_history():
    torch.set_num_threads(1)
    return fp_experiments.run_mnist(MNIST_CFG, MNIST_STDS, data_dir=None, device=CPU, seed=0)


def test_image_experiment_tables(tmp_path, image_tables):
    cfg = image_cfg()
    tables = image_tables
    assert set(tables) == {"delta_f", "spectra", "losses", "snapshots"}
    runs = ["w0.08_b0.08", "w0.5_b0.08"]
    delta = tables["delta_f"]
    assert list(dict.fromkeys(delta.run)) == runs
    assert sorted(delta.step.unique()) == [0, 10, 20, 30]
    spectra = tables["spectra"]
    peaks = sorted(spectra[spectra.is_peak].frequency.unique())
    assert sorted(delta.frequency.unique()) == peaks and len(peaks) <= 3
    # the target spectrum is the row's, the same for every run and step
    assert spectra.groupby("frequency").target_amplitude.nunique().max() == 1
    # Δ_F is computed from the spectra table's amplitudes: never below their relative magnitude gap
    merged = delta.merge(spectra, on=["run", "step", "frequency"])
    gap = (merged.target_amplitude - merged.output_amplitude).abs() / merged.target_amplitude
    assert (merged.delta_f >= gap - 1e-9).all()
    # row_pixels train: the DFT of the row's 6 training pixels has bins 0..3
    assert sorted(spectra.frequency.unique()) == [0, 1, 2, 3]
    snaps = tables["snapshots"]
    assert sorted(snaps.step.unique()) == [10, 30]
    assert len(snaps) == 2 * 2 * 12 * 12 and snaps.train.sum() == 2 * 2 * 12 * 6
    losses = tables["losses"]
    small = losses[losses.run == runs[0]].sort_values("step")
    assert small.train_loss.iloc[-1] < small.train_loss.iloc[0]
    write_and_check(tables, tmp_path, "fp_train_image", cfg)


def test_row_pixels_all_takes_the_whole_row():
    cfg = image_cfg(row_pixels="all", stds=[[0.1, 0.1]], n_steps=0)
    spectra = fp_experiments.run_image(cfg, delta_kind="complex", device=CPU, seed=0)["spectra"]
    image, _ = fp_experiments.image_target(cfg)
    assert sorted(spectra.frequency.unique()) == list(range(7))
    expected = np.abs(np.fft.rfft(image[5])) / 12 * np.array([1, 2, 2, 2, 2, 2, 1])
    assert spectra.sort_values("frequency").target_amplitude.to_numpy() == pytest.approx(expected, rel=1e-5)


def test_curve_experiment_tables(tmp_path, curve_tables):
    cfg = curve_cfg()
    tables = curve_tables
    assert set(tables) == {"delta_f", "spectra", "losses", "outputs", "spectral_norms"}
    assert (tables["delta_f"].kind == "magnitude").all()
    outputs = tables["outputs"]
    assert len(outputs[outputs.step == 30]) == 40
    x, y = fp_experiments.curve_target(cfg)
    assert outputs[outputs.step == 0].target.to_numpy() == pytest.approx(y)
    norms = tables["spectral_norms"]
    assert sorted(norms.layer.unique()) == [0, 1, 2] and (norms.spectral_norm > 0).all()
    assert tables["losses"].test_loss.isna().all()
    write_and_check(tables, tmp_path, "fp_train_curve", cfg)


def test_flipped_target_follows_the_configured_frequencies():
    cfg = curve_cfg(target="flipped_ramp", n_points=16, x_min=-1.0, x_max=1.0, frequencies=[1, 4, 7])
    tables = fp_experiments.run_curve(cfg, delta_kind="complex", device=CPU, seed=0)
    assert sorted(tables["delta_f"].frequency.unique()) == [1, 4, 7]
    with pytest.raises(ValueError, match="outside"):
        fp_experiments.run_curve(curve_cfg(frequencies=[100]), delta_kind="complex", device=CPU, seed=0)


def test_mnist_experiment_table(tmp_path, mnist_history):
    cfg, stds, history = MNIST_CFG, MNIST_STDS, mnist_history
    assert len(history) == 2 * 3 and sorted(history.epoch.unique()) == [0, 1, 2]
    start = history[history.epoch == 0].set_index("run")
    # at initialisation the mean |N(0, σ²)| draw is σ·sqrt(2/π)
    assert start.loc["w0.3_b0.01", "mean_abs_weight"] == pytest.approx(0.3 * np.sqrt(2 / np.pi), rel=0.1)
    assert history.train_accuracy.between(0, 1).all() and history.test_accuracy.between(0, 1).all()
    assert "digits" in history.data_source.iloc[0]
    write_and_check({"mnist": history}, tmp_path, "fp_train_mnist", cfg | {"stds": stds})


def test_every_figure_draws_from_its_tables(image_tables, curve_tables, mnist_history):
    flipped = fp_experiments.run_curve(curve_cfg(target="flipped_ramp", n_points=16, x_min=-1.0, x_max=1.0,
                                                 frequencies=[1, 4, 7]), delta_kind="complex", device=CPU, seed=0)
    cases = {
        "fp-fig1": ({"mnist": mnist_history}, {}),
        "fp-fig2": (image_tables, {"member": 0, "row": 5, "spectrum_step": 10}),
        "fp-fig3": ({"mnist": mnist_history}, {}),
        "fp-fig4": (image_tables, {"member": 1, "row": 5}),
        "fp-fig6": (flipped, {}),
        "fp-fig7": (curve_tables, {}),
    }
    for fig_id, (tables, options) in cases.items():
        figure = catalogue.FIGURES[fig_id].draw(tables, options)
        n_lines = sum(len(ax.lines) + len(ax.images) for ax in figure.axes)
        assert n_lines > 0, fig_id
        assert all(ax.get_xlabel() for ax in figure.axes if ax.axison and (ax.lines or ax.images)), fig_id
        plt.close(figure)
    with pytest.raises(ValueError, match="member 2"):
        catalogue.FIGURES["fp-fig4"].draw(image_tables, {"member": 2, "row": 5})

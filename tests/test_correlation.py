"""Band-filtered correlation of paired paths (rr-fig6) and the residual-branch recording."""

import numpy as np
import pytest
import torch

from netspectra.models import build_model
from netspectra.papers.rr.bands import band_centres, band_correlation, gaussian_bands
from netspectra.papers.rr.branch_correlation import branch_correlation, branch_modules

N = 256


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One torch thread: on a shared, busy CPU two OpenMP threads spin-wait on each other."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _rng(seed=0):
    return np.random.default_rng(seed)


def test_gaussian_bands_centres_and_dc():
    filters = gaussian_bands(N, 8, band_width=0.5)
    assert filters.shape == (8, N // 2 + 1)
    assert np.all(filters[:, 0] == 0)
    peaks = filters.argmax(axis=1)
    assert np.allclose(peaks, np.round(band_centres(N, 8)))
    assert np.all(np.diff(peaks) > 0)


def test_identical_paths_correlate_perfectly_in_every_band():
    a = _rng().standard_normal((20, N)).cumsum(-1)  # brown noise: energy in every band
    corr = band_correlation(a, a.copy(), gaussian_bands(N, 10))
    assert np.allclose(corr, 1.0, atol=1e-9)
    # Scaling and a sign flip are linear: |correlation| stays 1.
    assert np.allclose(band_correlation(a, -3.0 * a, gaussian_bands(N, 10)), -1.0, atol=1e-9)


def test_independent_noise_is_uncorrelated():
    rng = _rng(1)
    a, b = rng.standard_normal((400, N)), rng.standard_normal((400, N))
    filters = gaussian_bands(N, 6, band_width=1.0)
    corr = band_correlation(a, b, filters)
    assert np.all(np.abs(corr.mean(axis=0)) < 0.05)
    # |r| of independent pairs shrinks with the number of frequencies a band holds; with ~50 per band it is small.
    assert np.all(np.abs(corr).mean(axis=0) < 0.2)


def test_shared_low_band_with_independent_high_bands_falls_with_frequency():
    rng = _rng(2)
    t = np.arange(N) / N
    n_pairs = 200
    shared = np.zeros((n_pairs, N))
    for k in range(1, 8):  # a common low-frequency signal
        amplitude = rng.standard_normal((n_pairs, 1))
        shared += amplitude * np.cos(2 * np.pi * k * t + rng.uniform(0, 2 * np.pi, (n_pairs, 1)))
    a = shared + 0.3 * rng.standard_normal((n_pairs, N))
    b = shared + 0.3 * rng.standard_normal((n_pairs, N))
    corr = np.abs(band_correlation(a, b, gaussian_bands(N, 8))).mean(axis=0)
    # Bands 0 and 1 (centres k = 1 and ~19) hold the shared signal; the others only independent noise,
    # whose |r| stays at the small floor set by the number of frequencies per band.
    assert corr[:2].min() > 0.9
    assert corr[2:].max() < 0.3


def test_fourier_formula_matches_time_domain_pearson():
    rng = _rng(3)
    a, b = rng.standard_normal((5, 101)), rng.standard_normal((5, 101))  # odd length: no Nyquist bin
    filters = gaussian_bands(101, 4)
    corr = band_correlation(a, b, filters)
    for band in range(4):
        fa = np.fft.irfft(np.fft.rfft(a) * filters[band], n=101)
        fb = np.fft.irfft(np.fft.rfft(b) * filters[band], n=101)
        expected = [np.corrcoef(u, v)[0, 1] for u, v in zip(fa, fb)]
        assert np.allclose(corr[:, band], expected, atol=1e-10)


def test_constant_paths_give_nan():
    a = _rng(4).standard_normal((3, N))
    b = np.ones((3, N))
    assert np.isnan(band_correlation(a, b, gaussian_bands(N, 5))).all()


def test_bad_filters_and_bins_are_rejected():
    with pytest.raises(ValueError, match="n_bins"):
        gaussian_bands(16, 9)
    with pytest.raises(ValueError, match="frequencies"):
        band_correlation(np.zeros((1, 16)), np.zeros((1, 16)), gaussian_bands(32, 4))


def test_branch_modules_and_correlation_table():
    model = build_model({"arch": "resnet", "depth": 8, "version": 2, "activation": "relu"}, seed=0)
    triples = branch_modules(model)
    assert [t[0] for t in triples] == ["blocks.0", "blocks.1", "blocks.2"]
    assert triples[0][2] == "blocks.0.sum2"
    x = torch.randn(2, 3, 16, 16)
    filters = gaussian_bands(16, 4)
    table = branch_correlation(model, x, n_directions=2, n_points=16, radius=1.0, output_fraction=0.2,
                               filters=filters, chunk=8, seed=0)
    assert len(table) == 2 * 3 * 4
    assert table.mean_abs_correlation.between(0, 1).all()
    assert (table.n_pairs > 0).all()
    # Half of the shortcut channels of a down-sampling block are zero padding: those pairs drop out.
    counts = table[table.direction == 0].groupby("block").n_pairs.max()
    sizes = {0: 2 * 16 * 16 * 16, 1: 2 * 32 * 8 * 8, 2: 2 * 64 * 4 * 4}
    assert counts[1] < 0.7 * 0.2 * sizes[1]
    assert counts[0] > 0.8 * 0.2 * sizes[0]


def test_branch_modules_need_shortcuts():
    with pytest.raises(ValueError, match="shortcut"):
        branch_modules(build_model({"arch": "resnet", "depth": 8, "shortcut": False}, seed=0))
    with pytest.raises(ValueError, match="ResNet"):
        branch_modules(build_model({"arch": "toycnn", "depth": 2, "image_size": 16}, seed=0))

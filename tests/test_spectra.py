"""Known spectra of synthetic signals, and the power-law fit that turns them into h."""

import numpy as np
import pytest

from netspectra import powerlaw, spectra

N = 256
T = np.arange(N) / N


def fit_h(magnitude, k_max=N // 4, **kw):
    return powerlaw.fit(spectra.frequencies(N), magnitude, 1, k_max, **kw)


def test_sine_gives_one_peak():
    mag = spectra.magnitude_spectrum(np.sin(2 * np.pi * 7 * T + 0.3))
    assert np.argmax(mag) + 1 == 7
    assert mag[6] == pytest.approx(0.5)  # |z_k| of a unit sine: 1/2 on each side of the spectrum
    assert np.delete(mag, 6).max() < 1e-12


def test_power_law_with_random_phases_gives_exact_h():
    rng = np.random.default_rng(0)
    k = spectra.frequencies(N)
    for h in (0.5, 1.0, 1.7):
        z = np.zeros(N // 2 + 1, complex)
        z[1:] = k ** -h * np.exp(2j * np.pi * rng.random(N // 2))
        z[-1] = z[-1].real  # Nyquist bin of a real signal is real
        path = np.fft.irfft(z * N, n=N)
        result = fit_h(spectra.magnitude_spectrum(path), k_max=N // 2 - 1)
        assert result["h"] == pytest.approx(h, abs=1e-9)
        assert result["r2"] == pytest.approx(1.0, abs=1e-9)


def test_sawtooth_has_h_one():
    # |z_k| of a sawtooth is 1/(2N sin(pi k / N)) ~ 1/(2 pi k): h = 1 up to the sine's curvature (< 0.05 for k <= N/4).
    result = fit_h(spectra.magnitude_spectrum(T - 0.5))
    assert result["h"] == pytest.approx(1.0, abs=0.05)


def fbm(hurst, n, count, rng):
    """Fractional Brownian motion by Cholesky factorisation of the fractional-Gaussian-noise covariance."""
    lag = np.arange(n)
    gamma = 0.5 * (np.abs(lag + 1) ** (2 * hurst) - 2 * lag ** (2 * hurst) + np.abs(lag - 1) ** (2 * hurst))
    cov = gamma[np.abs(lag[:, None] - lag[None, :])]
    noise = rng.standard_normal((count, n)) @ np.linalg.cholesky(cov).T
    return np.cumsum(noise, axis=1)


@pytest.mark.parametrize("hurst", [0.3, 0.5, 0.7])
def test_fbm_exponent_recovered(hurst):
    """fBm with Hurst exponent H has E|z_k|^2 ~ k^-(2H+1), so the magnitude fit gives h = H + 1/2.

    Tolerance 0.1: 200 paths of 256 points; the Hann window suppresses the leakage of the
    end-to-end jump, which would otherwise pull smooth paths (H > 1/2) towards h = 1.
    """
    paths = fbm(hurst, N, 200, np.random.default_rng(1))
    mean_power, used = spectra.average_power(paths, window="hann")
    assert used == 200
    assert fit_h(np.sqrt(mean_power))["h"] == pytest.approx(hurst + 0.5, abs=0.1)


def test_relu_of_linear_path_decays_as_one_over_k():
    rng = np.random.default_rng(2)
    slopes, offsets = rng.normal(size=(2, 500, 1))
    paths = np.maximum(slopes * T + offsets, 0.0)
    mean_power, used = spectra.average_power(paths)
    assert fit_h(np.sqrt(mean_power))["h"] == pytest.approx(1.0, abs=0.1)


def test_linear_detrend_reveals_smoothness_of_a_smooth_path():
    # t^2 is smooth, but its end-to-end jump leaks a 1/k floor into the plain DFT.
    smooth = (T**2)[None]
    h_plain = fit_h(np.sqrt(spectra.average_power(smooth)[0]))["h"]
    h_detrended = fit_h(np.sqrt(spectra.average_power(smooth, detrend="linear")[0]))["h"]
    assert h_plain == pytest.approx(1.0, abs=0.1)
    assert h_detrended > h_plain + 0.5


def test_hann_window_suppresses_leakage_of_an_off_bin_sine():
    off_bin = np.sin(2 * np.pi * 7.5 * T)
    plain = spectra.magnitude_spectrum(off_bin)
    windowed = spectra.magnitude_spectrum(off_bin, window="hann")
    assert windowed[40:].max() < plain[40:].max() / 100


def test_path_norm_and_k2_weighting():
    rng = np.random.default_rng(3)
    paths = rng.normal(size=(5, 64)) * np.arange(1, 6)[:, None]
    mag = spectra.magnitude_spectrum(paths)
    normalised = spectra.power(mag, normalise="path_norm")
    np.testing.assert_allclose(normalised.sum(axis=1), 1.0)
    k = spectra.frequencies(64)
    np.testing.assert_allclose(spectra.power(mag, weight="k2"), mag**2 * k**2)


def test_constant_paths_are_left_out_of_normalised_average():
    paths = np.vstack([np.zeros(32), np.sin(2 * np.pi * 3 * np.arange(32) / 32)])
    mean, used = spectra.average_power(paths, normalise="path_norm")
    assert used == 1
    assert mean[2] == pytest.approx(1.0)


def test_fit_is_vectorised_and_rejects_empty_range():
    k = np.arange(1, 33)
    mags = np.stack([k**-1.0, 3 * k**-2.0])
    result = powerlaw.fit(k, mags)
    np.testing.assert_allclose(result["h"], [1.0, 2.0])
    np.testing.assert_allclose(result["intercept"], [0.0, np.log(3)], atol=1e-12)
    with pytest.raises(ValueError, match="fewer than two"):
        powerlaw.fit(k, mags, k_min=5, k_max=5)


def test_floor_h_is_the_h_of_the_smoothest_path_each_estimator_keeps():
    k = spectra.frequencies(100)
    line = spectra.magnitude_spectrum(np.linspace(0, 3, 100))
    assert powerlaw.floor_h(100, 1, 25) == pytest.approx(powerlaw.fit(k, line, 1, 25)["h"])
    assert powerlaw.floor_h(100, 1, 25) == pytest.approx(0.9677, abs=1e-4)
    detrended = powerlaw.floor_h(100, 1, 25, detrend="linear", window="hann")
    assert detrended > 3.5
    noise = np.random.default_rng(0).standard_normal((200, 100))

    def h(paths, estimator):
        return powerlaw.fit(k, np.sqrt(spectra.average_power(paths, **spectra.ESTIMATORS[estimator])[0]), 1, 25)["h"]

    # white noise (h = 0) sits far below both floors; a random walk (h = 1) only below the detrended one: the
    # plain DFT cannot tell Brownian motion from a straight line, the detrended estimator can
    for estimator in spectra.ESTIMATORS:
        assert h(noise, estimator) < 0.3
    walk = np.cumsum(noise, axis=1)
    assert h(walk, "plain") == pytest.approx(powerlaw.floor_h(100, 1, 25), abs=0.05)
    assert h(walk, "detrended") < detrended - 2


@pytest.mark.parametrize("n", [7, 16, 128])
def test_detrend_and_hann_equal_scipy_signal(n):
    from scipy import signal

    paths = np.random.default_rng(n).normal(size=(3, 2, n)).cumsum(-1) + np.linspace(0, 5, n)
    np.testing.assert_allclose(spectra.detrend_linear(paths), signal.detrend(paths, axis=-1, type="linear"),
                               atol=1e-12)
    np.testing.assert_allclose(spectra.hann(n), signal.windows.hann(n, sym=False), atol=1e-15)

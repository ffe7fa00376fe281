"""F-Principle measurements: the scaled DFT, peak selection, Δ_F and its magnitude variant, the flipped
target, and exact spectral norms."""

import numpy as np
import pytest
import torch

from netspectra import spectra
from netspectra.papers.fp import peaks, targets

N = 64


def sines(freqs, amps, phases=None, n=N):
    t = torch.arange(n, dtype=torch.float64)
    phases = phases or [0.3 * (i + 1) for i in range(len(freqs))]
    return sum(a * torch.sin(2 * torch.pi * k * t / n + p) for k, a, p in zip(freqs, amps, phases))


def test_dft_reads_the_amplitude_of_each_sine():
    spec = spectra.dft(sines([3, 7, 12], [1.0, 0.5, 0.25])).abs()
    assert spec.shape == (N // 2 + 1,)
    assert spec[[3, 7, 12]].numpy() == pytest.approx([1.0, 0.5, 0.25], abs=1e-12)
    others = np.setdiff1d(np.arange(N // 2 + 1), [3, 7, 12])
    assert spec[others].max() < 1e-12
    # DC and Nyquist have no negative-frequency twin: a constant c reads c, (-1)^n reads 1.
    t = torch.arange(N, dtype=torch.float64)
    assert spectra.dft(torch.full((N,), 2.0, dtype=torch.float64))[0].real == pytest.approx(2.0)
    assert spectra.dft(torch.cos(torch.pi * t))[-1].abs() == pytest.approx(1.0)


def test_dft_is_batched_over_leading_axes():
    y = torch.stack([sines([2], [1.0]), sines([5], [3.0])])
    spec = spectra.dft(y).abs()
    assert spec.shape == (2, N // 2 + 1)
    assert spec[0, 2] == pytest.approx(1.0) and spec[1, 5] == pytest.approx(3.0)


def test_peaks_of_a_known_multi_sine_target():
    spec = spectra.dft(sines([3, 7, 12, 20], [1.0, 0.6, 0.3, 0.05])).abs()
    # the empty bins hold rounding noise (~1e-16) with local maxima of its own: a tiny floor removes them
    assert len(peaks.select_peaks(spec)) > 4
    floor = 1e-9
    assert peaks.select_peaks(spec, min_relative_height=floor).tolist() == [3, 7, 12, 20]
    assert peaks.select_peaks(spec, max_frequency=15, min_relative_height=floor).tolist() == [3, 7, 12]
    # the two highest, returned in frequency order
    assert peaks.select_peaks(spec, n_peaks=2).tolist() == [3, 7]
    assert peaks.select_peaks(spec, min_relative_height=0.1).tolist() == [3, 7, 12]


def test_peaks_with_leakage_sit_at_the_nearest_bins():
    # non-integer frequencies leak into every bin; the local maxima stay at the nearest bins
    t = torch.arange(N, dtype=torch.float64)
    y = torch.sin(2 * torch.pi * 4.2 * t / N) + 0.5 * torch.sin(2 * torch.pi * 15.8 * t / N)
    spec = spectra.dft(y).abs()
    assert peaks.select_peaks(spec, min_relative_height=0.2).tolist() == [4, 16]


def test_range_ends_count_as_peaks_and_dc_only_on_request():
    amp = np.array([5.0, 3.0, 1.0, 2.0, 1.0, 4.0])
    # bin 1 is an end of the searched range 1..5 and higher than bin 2; bin 5 is higher than bin 4
    assert peaks.select_peaks(amp).tolist() == [1, 3, 5]
    assert peaks.select_peaks(amp, include_dc=True).tolist() == [0, 3, 5]
    # a monotone spectrum has a single peak at its top end
    assert peaks.select_peaks(np.arange(10.0)).tolist() == [9]
    with pytest.raises(ValueError, match="1-d"):
        peaks.select_peaks(np.ones((2, 3)))


def test_delta_f_is_zero_for_a_perfect_fit():
    target = spectra.dft(sines([3, 7], [1.0, 0.5]))
    for kind in peaks.DELTA_KINDS:
        assert peaks.delta_f(target, target.clone(), kind)[[3, 7]].max() == 0


def test_delta_f_complex_sees_phase_and_magnitude_variant_does_not():
    y = sines([3, 7], [1.0, 0.5])
    target = spectra.dft(y)
    shifted = spectra.dft(torch.roll(y, 5))        # same |DFT|, every phase moved
    complex_ = peaks.delta_f(target, shifted, "complex")[[3, 7]]
    magnitude = peaks.delta_f(target, shifted, "magnitude")[[3, 7]]
    assert magnitude.max() < 1e-12
    # a circular shift by s multiplies bin k by exp(-2πiks/N): Δ_F = |1 - exp(-2πiks/N)|
    expected = [abs(1 - np.exp(-2j * np.pi * k * 5 / N)) for k in (3, 7)]
    assert complex_.numpy() == pytest.approx(expected, rel=1e-9)
    # a network that has learnt half of every component: both variants read 0.5
    half = spectra.dft(0.5 * y)
    for kind in peaks.DELTA_KINDS:
        assert peaks.delta_f(target, half, kind)[[3, 7]].numpy() == pytest.approx([0.5, 0.5])
    with pytest.raises(ValueError, match="unknown Δ_F kind"):
        peaks.delta_f(target, half, "relative")


def test_flipped_ramp_is_high_frequency_dominant():
    x, g = targets.flipped_ramp_target(40)
    assert x[0] == -1 and x[-1] == 1 and len(g) == 40
    ramp = np.abs(np.fft.rfft(x))
    flipped = np.abs(np.fft.rfft(g))
    assert flipped == pytest.approx(ramp[::-1], abs=1e-12)
    # |F| of the ramp falls with k, so |G| rises: its only local maximum is the paper's "19th frequency"
    assert (np.diff(flipped[:20]) > 0).all()
    assert peaks.select_peaks(spectra.dft(torch.tensor(g)).abs()).tolist() == [19]
    with pytest.raises(ValueError, match="even"):
        targets.flipped_ramp_target(41)


def test_sine_sum_target():
    x = np.linspace(-np.pi, np.pi, 9)
    assert targets.sine_sum_target(x, [1, 5], [1, 2]) == pytest.approx(np.sin(x) + 2 * np.sin(5 * x))

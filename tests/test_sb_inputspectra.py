"""Input-space spectra: read-out, flower manifold, radial spectrum."""

import math

import numpy as np
import pytest
import torch

from netspectra.papers.sb.manifolds import flower, sample_grid, sine_mixture
from netspectra.papers.sb.readout import radial_spectrum, readout


def test_readout_of_known_sines_reads_amplitudes():
    z = sample_grid(200, dtype=torch.float64)
    ks, amps = [5, 17, 50], [0.3, 1.0, 2.5]
    phases = torch.tensor([[0.1, 2.0, 4.0], [1.0, 5.5, 0.0]], dtype=torch.float64)
    y = sine_mixture(z, ks, amps, phases)
    assert readout(y, ks) == pytest.approx(torch.tensor([amps, amps], dtype=torch.float64), abs=1e-10)
    normalised = readout(y, ks, amps)
    torch.testing.assert_close(normalised, torch.ones(2, 3, dtype=torch.float64))
    # a frequency that is absent reads (numerically) zero
    assert readout(y, [10]).abs().max() < 1e-10


def test_readout_rejects_frequencies_above_nyquist():
    with pytest.raises(ValueError):
        readout(torch.zeros(100), [50])


def test_flower_at_zero_petals_is_unit_circle_and_petals_modulate_radius():
    z = sample_grid(400, dtype=torch.float64)
    circle = flower(z, 0)
    torch.testing.assert_close(circle.norm(dim=1), torch.ones(400, dtype=torch.float64))
    angle = torch.atan2(circle[:, 1], circle[:, 0]) % (2 * math.pi)
    torch.testing.assert_close(angle, 2 * math.pi * z)
    r = flower(z, 6).norm(dim=1)
    assert r.max() == pytest.approx(1.5, abs=1e-3) and r.min() == pytest.approx(0.5, abs=1e-3)
    assert readout(r, [6]).item() == pytest.approx(0.5, abs=1e-10)


def test_radial_spectrum_of_radial_cosine_peaks_at_its_frequency():
    n, extent, k0 = 128, 2.0, 10.0  # map covers [-1, 1]^2, wave of 10 cycles per unit length
    x = (np.arange(n) / n - 0.5) * extent
    r = np.hypot(x[:, None], x[None, :])
    k, zeta = radial_spectrum(np.cos(2 * np.pi * k0 * r) * np.exp(-(r / 0.7) ** 2), extent=extent)
    assert k[1] == pytest.approx(1 / extent)
    assert k[np.argmax(zeta[1:]) + 1] == pytest.approx(k0, abs=1 / extent)
    # a plane wave along x puts all its weight into one annulus
    k2, zeta2 = radial_spectrum(np.cos(2 * np.pi * 6 * x)[None, :].repeat(n, 0), extent=extent)
    assert zeta2[np.argmax(zeta2)] == pytest.approx(1.0) and k2[np.argmax(zeta2)] == pytest.approx(6.0)
    assert np.delete(zeta2, np.argmax(zeta2)).max() < 1e-10


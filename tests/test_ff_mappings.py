"""Input mappings of Fourier Features: shapes, values, normalisation and the frequency generators."""

import math

import pytest
import torch

from netspectra.papers.ff import mappings


def coords(n=7, d=2, seed=0):
    return torch.rand(n, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


@pytest.mark.parametrize("name, d, kwargs, width", [
    ("none", 2, {}, 2),
    ("basic", 2, {}, 4),
    ("positional", 2, {"n_frequencies": 8, "max_log2": 3.0}, 16),
    ("gaussian", 2, {"n_frequencies": 5, "scale": 10.0}, 10),
    ("power_law", 1, {"n_frequencies": 16, "exponent": 1.0}, 32),
])
def test_output_shapes(name, d, kwargs, width):
    m = mappings.build(name, d, dtype=torch.float64, **kwargs)
    out = m(coords(7, d))
    assert out.shape == (7, width)
    assert m.out_features == width


def test_basic_values_and_stationary_dot_products():
    v = torch.tensor([[0.25, 0.0], [0.5, 0.125]], dtype=torch.float64)
    out = mappings.basic(2, torch.float64)(v)
    # [cos 2πv1, cos 2πv2, sin 2πv1, sin 2πv2]
    expected = torch.tensor([[0.0, 1.0, 1.0, 0.0], [-1.0, math.cos(math.pi / 4), 0.0, math.sin(math.pi / 4)]],
                            dtype=torch.float64)
    torch.testing.assert_close(out, expected, atol=1e-12, rtol=0)
    # γ(v)·γ(v') depends on v − v' only, for any B and a
    m = mappings.FourierFeatures(torch.randn(6, 2, dtype=torch.float64) * 3, torch.rand(6, dtype=torch.float64))
    a, b, shift = coords(5, 2, 1), coords(5, 2, 2), torch.tensor([0.37, -1.3], dtype=torch.float64)
    torch.testing.assert_close(m(a) @ m(b).T, m(a + shift) @ m(b + shift).T, atol=1e-12, rtol=0)


def test_positional_frequencies_are_axis_aligned_log_spaced():
    b = mappings.positional_frequencies(4, 3.0, 2, torch.float64)
    assert b.shape == (8, 2)
    torch.testing.assert_close(b[:4, 0], torch.tensor([0.0, 1.0, 3.0, 7.0], dtype=torch.float64))
    assert (b[:4, 1] == 0).all() and (b[4:, 0] == 0).all()
    torch.testing.assert_close(b[4:, 1], b[:4, 0])


def test_power_law_family_is_normalised_and_p_inf_is_basic():
    x = torch.linspace(0, 1, 11, dtype=torch.float64).unsqueeze(1)
    exps = torch.tensor([0.0, 0.5, 1.0, 2.0, math.inf], dtype=torch.float64)
    batched = mappings.power_law(8, exps, torch.float64)(x)
    assert batched.shape == (5, 11, 16)
    torch.testing.assert_close(batched.norm(dim=-1), torch.ones(5, 11, dtype=torch.float64))
    for k, p in enumerate(exps.tolist()):  # the stacked mapping equals one mapping per exponent
        torch.testing.assert_close(batched[k], mappings.power_law(8, p, torch.float64)(x))
    a, b = mappings.power_law_amplitudes(8, 1.0)
    torch.testing.assert_close(a, 1.0 / torch.arange(1, 9, dtype=torch.float64))
    torch.testing.assert_close(b, torch.arange(1, 9, dtype=torch.float64))
    basic = mappings.basic(1, torch.float64)(x)
    torch.testing.assert_close(batched[-1][:, [0, 8]], basic)
    assert batched[-1][:, [i for i in range(16) if i not in (0, 8)]].abs().max() == 0


def test_gaussian_mapping_is_seeded():
    g1, g2 = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    a = mappings.gaussian(64, 10.0, generator=g1, dtype=torch.float64).frequencies
    b = mappings.gaussian(64, 10.0, generator=g2, dtype=torch.float64).frequencies
    torch.testing.assert_close(a, b)
    assert 7.0 < a.std().item() < 13.0


@pytest.mark.parametrize("kind", mappings.GENERATORS)
def test_generators_have_their_distribution(kind):
    g = torch.Generator().manual_seed(1)
    scale = 20.0
    b = mappings.sample_frequencies(kind, (20000,), scale, generator=g)
    if kind == "gaussian":
        assert abs(b.mean()) < 0.5 and b.std() == pytest.approx(scale, rel=0.05)
    elif kind == "uniform":
        assert b.min() >= 0 and b.max() < scale and b.mean() == pytest.approx(scale / 2, rel=0.05)
    elif kind == "uniform_log":
        assert b.min() >= 1 and b.max() < scale
        assert torch.log(b).mean() == pytest.approx(math.log(scale) / 2, rel=0.05)
    else:  # Laplace(0, scale): E|X| = scale, Var = 2 scale²
        assert b.abs().mean() == pytest.approx(scale, rel=0.05)
        assert b.var() == pytest.approx(2 * scale ** 2, rel=0.1)


def test_generators_broadcast_one_scale_per_member_and_rms():
    scales = torch.tensor([[1.0], [100.0]], dtype=torch.float64)
    b = mappings.sample_frequencies("gaussian", (2, 4000), scales, generator=torch.Generator().manual_seed(0))
    rms = mappings.frequency_rms(b)
    assert rms[0] == pytest.approx(1.0, rel=0.05) and rms[1] == pytest.approx(100.0, rel=0.05)
    torch.testing.assert_close(mappings.frequency_rms(torch.tensor([3.0, 4.0])), torch.tensor(math.sqrt(12.5)))


def test_unknown_names_are_rejected():
    with pytest.raises(ValueError, match="valid names"):
        mappings.build("fourier", 2)
    with pytest.raises(ValueError, match="valid names"):
        mappings.sample_frequencies("cauchy", (3,), 1.0)

import numpy as np
import pytest

from netspectra.activations import as_numpy
from netspectra.papers.rr import chebyshev

X = np.linspace(-5, 5, 2001)


@pytest.mark.parametrize("name,tolerance", [
    # Smooth activations: degree 25 is accurate to the stated tolerance on [-5, 5].
    ("tanh", 1e-3), ("softplus", 1e-6), ("sigmoid", 1e-6), ("gelu", 1e-4),
    # Kinks converge only as 1/degree: within a few percent of the interval's scale.
    ("relu", 0.1), ("hardtanh", 0.05), ("leaky_relu", 0.1), ("elu", 0.05), ("selu", 0.1),
])
def test_interpolant_reproduces_activation_within_interval(name, tolerance):
    poly = chebyshev.interpolant(name, 25, (-5, 5))
    assert np.abs(poly(X) - as_numpy(name)(X)).max() < tolerance


def test_identity_is_the_first_chebyshev_polynomial_of_the_interval():
    coef = chebyshev.coefficients("linear", 25, (-5, 5))
    np.testing.assert_allclose(coef, np.r_[0.0, 5.0, np.zeros(24)], atol=1e-12)


def test_coefficient_decay_order_softplus_tanh_relu():
    tail = {name: np.abs(chebyshev.coefficients(name, 25, (-5, 5))[15:]).max() for name in ("relu", "tanh", "softplus")}
    assert tail["softplus"] < tail["tanh"] < tail["relu"]

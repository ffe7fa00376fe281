"""NTKs: empirical (torch.func) against brute force, analytic arc-cosine recursion against wide networks,
shift invariance with the basic mapping, and the linearised gradient-descent dynamics."""

import math

import pytest
import torch
from torch import nn

from netspectra import ntk
from netspectra.papers.ff import mappings, networks


def test_empirical_ntk_matches_brute_force_gradients_of_any_model():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 3, 3), nn.Tanh(), nn.Flatten(), nn.Linear(3 * 4 * 4, 2)).double()
    x = torch.randn(5, 1, 6, 6, dtype=torch.float64)

    def grad(xi, o):
        net.zero_grad()
        net(xi[None])[0, o].backward()
        return torch.cat([p.grad.flatten() for p in net.parameters()])

    jac = torch.stack([torch.stack([grad(x[i], o) for o in range(2)]) for i in range(5)])  # (5, 2, P)
    expected = torch.einsum("aop,bqp->aboq", jac, jac)
    k = ntk.empirical_ntk(net, x, chunk_size=2)
    assert k.shape == (5, 5, 2, 2)
    torch.testing.assert_close(k, expected, atol=1e-12, rtol=1e-10)
    torch.testing.assert_close(ntk.empirical_ntk(net, x[:3], x[2:], chunk_size=2), expected[:3, 2:],
                               atol=1e-12, rtol=1e-10)


def test_relu_expectations_match_monte_carlo():
    cov = torch.tensor([[1.3, 0.6], [0.6, 0.8]], dtype=torch.float64)
    g = torch.Generator().manual_seed(0)
    z = torch.randn(1_000_000, 2, dtype=torch.float64, generator=g) @ torch.linalg.cholesky(cov).T
    value, derivative = ntk._relu_expectations(cov[0, 0], cov[1, 1], cov[0, 1])
    assert value.item() == pytest.approx(torch.relu(z).prod(1).mean().item(), rel=0.01)
    assert derivative.item() == pytest.approx((z > 0).all(1).double().mean().item(), rel=0.01)


def relative_error(width, seeds, x, features):
    errs = []
    for seed in seeds:
        model = networks.factory(features.shape[1], width, 3, dtype=torch.float64)(seed)
        k_emp = ntk.empirical_ntk(model, features)
        k_ana = ntk.relu_ntk(features, widths=[width, width])
        errs.append(((k_emp - k_ana).norm() / k_ana.norm()).item())
    return sum(errs) / len(errs)


def test_empirical_ntk_of_a_wide_network_approaches_the_analytic_one():
    x = torch.linspace(-0.5, 0.5, 10, dtype=torch.float64)
    features = mappings.power_law(8, 1.0, torch.float64)(x.unsqueeze(1))
    narrow = relative_error(16, [0, 1, 2], x, features)
    wide = relative_error(1024, [0, 1], x, features)
    assert wide < 0.12
    assert wide < narrow / 2.5  # fluctuations shrink roughly like 1/sqrt(width)


def test_analytic_ntk_with_bias_and_weight_scale_matches_wide_network():
    x = torch.linspace(-0.5, 0.5, 8, dtype=torch.float64).unsqueeze(1)
    model = networks.factory(1, 2048, 3, weight_std=1.4, bias_std=0.3, dtype=torch.float64)(0)
    k_emp = ntk.empirical_ntk(model, x)
    k_ana = ntk.relu_ntk(x, widths=[2048, 2048], weight_std=1.4, bias_std=0.3)
    assert ((k_emp - k_ana).norm() / k_ana.norm()).item() < 0.1


def test_basic_mapping_makes_the_composed_kernel_shift_invariant():
    n = 16
    x = torch.arange(n, dtype=torch.float64) / n
    basic = mappings.basic(1, torch.float64)
    k = ntk.relu_ntk(basic(x.unsqueeze(1)), widths=[256, 256, 256])
    # stationary on the periodic grid: every row is the first row rolled (a circulant matrix); the
    # tolerance is arccos's float64 conditioning at correlation 1 (the diagonal)
    for i in range(n):
        torch.testing.assert_close(k[i], torch.roll(k[0], i), atol=0, rtol=1e-7)
    shift = 0.123
    k_shift = ntk.relu_ntk(basic((x + shift).unsqueeze(1)), widths=[256, 256, 256])
    torch.testing.assert_close(k_shift, k, atol=0, rtol=1e-7)
    # the raw coordinate gives a kernel that changes under the same shift
    raw = ntk.relu_ntk(x.unsqueeze(1) - 0.5, widths=[256, 256, 256])
    raw_shift = ntk.relu_ntk(x.unsqueeze(1) - 0.5 + shift, widths=[256, 256, 256])
    assert ((raw - raw_shift).norm() / raw.norm()).item() > 0.1
    # a wide network's empirical kernel with the basic mapping is close to stationary too
    model = networks.factory(2, 1024, 3, dtype=torch.float64)(0)
    emp = ntk.empirical_ntk(model, basic(x.unsqueeze(1)))
    emp_shift = ntk.empirical_ntk(model, basic((x + shift).unsqueeze(1)))
    assert ((emp - emp_shift).norm() / emp.norm()).item() < 0.1


def test_analytic_kernels_are_positive_semidefinite():
    x = torch.arange(24, dtype=torch.float64) / 24 - 0.5
    for inputs in (x.unsqueeze(1), mappings.power_law(12, 0.5, torch.float64)(x.unsqueeze(1))):
        k = ntk.relu_ntk(inputs, widths=[64, 64, 64])
        ev = torch.linalg.eigvalsh(k)
        assert ev.min() > -1e-8 * ev.max()


def test_linearised_gradient_descent_matches_iterating_the_kernel_dynamics():
    g = torch.Generator().manual_seed(0)
    a = torch.randn(6, 6, dtype=torch.float64, generator=g)
    k = a @ a.T + 1e-9 * torch.eye(6, dtype=torch.float64)  # nearly singular directions are handled too
    k[:, -1] = k[-1, :] = 0.0
    k_star = torch.randn(4, 6, dtype=torch.float64, generator=g)
    y, f0, f0_star = (torch.randn(n, dtype=torch.float64, generator=g) for n in (6, 6, 4))
    lr = 0.5 / torch.linalg.eigvalsh(k).max().item()
    train, test = ntk.linearised_gradient_descent(k, k_star, y, f0, f0_star, lr, [0, 1, 7, 30])
    f, fs, expected = f0.clone(), f0_star.clone(), {}
    for step in range(31):
        expected[step] = (f.clone(), fs.clone())
        fs = fs - lr * k_star @ (f - y)
        f = f - lr * k @ (f - y)
    for i, step in enumerate([0, 1, 7, 30]):
        torch.testing.assert_close(train[i], expected[step][0], atol=1e-10, rtol=1e-9)
        torch.testing.assert_close(test[i], expected[step][1], atol=1e-10, rtol=1e-9)


def test_wide_network_trained_by_sgd_follows_ntk_theory():
    x = torch.arange(8, dtype=torch.float64) / 8
    feats = mappings.power_law(4, 1.0, torch.float64)(x.unsqueeze(1))
    y = torch.sin(2 * math.pi * x) + 0.5 * torch.cos(6 * math.pi * x)
    model = networks.factory(8, 512, 3, dtype=torch.float64)(1)
    f0 = model(feats)[:, 0].detach()
    k = ntk.relu_ntk(feats, widths=[512, 512])
    lr = 0.2 / torch.linalg.eigvalsh(k).max().item()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(40):
        opt.zero_grad()
        (0.5 * ((model(feats)[:, 0] - y) ** 2).sum()).backward()
        opt.step()
    predicted, _ = ntk.linearised_gradient_descent(k, k[:1], y, f0, f0[:1], lr, [40])
    observed = model(feats)[:, 0].detach()
    start = (f0 - y).norm()
    assert (observed - y).norm() < 0.5 * start  # it trained
    assert (observed - predicted[0]).norm() < 0.1 * start

"""Models of the papers: names, shapes, inits; the shared MLP builder and exact spectral norm."""

import numpy as np
import pytest
import torch

from netspectra import activations, models
from netspectra.models import build_model


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="valid names: relu, leaky_relu, tanh"):
        build_model(dict(arch="toycnn", activation="swishy"))
    with pytest.raises(ValueError, match="valid names: toycnn, resnet, mlp"):
        build_model(dict(arch="vgg"))
    with pytest.raises(ValueError, match="valid names: kaiming, delta_orthogonal, pytorch"):
        build_model(dict(arch="toycnn", init="xavier"))
    with pytest.raises(ValueError, match="unknown toycnn option"):
        build_model(dict(arch="toycnn", planes=[1, 2, 3]))
    with pytest.raises(ValueError, match="6n\\+2"):
        build_model(dict(arch="resnet", depth=21))


@pytest.mark.parametrize("name", activations.NAMES)
def test_every_activation_builds_a_network(name):
    model = build_model(dict(arch="toycnn", depth=2, activation=name), seed=0)
    assert model(torch.randn(2, 3, 32, 32)).shape == (2, 10)


def test_leaky_relu_slope_is_used():
    act = activations.make("leaky_relu", slope=0.3)
    assert act(torch.tensor([-1.0])).item() == pytest.approx(-0.3)


def test_architectures_and_layer_names():
    toy = build_model(dict(arch="toycnn", depth=5, groups=3), seed=0)
    assert toy.layer_names == ["stem"] + [f"units.{i}" for i in range(5)]
    assert toy.units[0].conv.out_channels == 48  # 16·a channels, summed back to 16 after the activation
    resnet = build_model(dict(arch="resnet", depth=20, planes=[28, 56, 112]), seed=0)
    assert len(resnet.layer_names) == 1 + 9 + 1
    assert resnet(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    with pytest.raises(ValueError, match="without shortcuts"):
        build_model(dict(arch="resnet", depth=8, groups=2, shortcut=True))


def test_seeded_initialisation_is_reproducible():
    a = build_model(dict(arch="resnet", depth=8), seed=3)
    b = build_model(dict(arch="resnet", depth=8), seed=3)
    c = build_model(dict(arch="resnet", depth=8), seed=4)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a.stem.weight, c.stem.weight)


def test_delta_orthogonal_kernel_is_an_orthogonal_matrix_at_the_centre():
    model = build_model(dict(arch="toycnn", depth=2, init="delta_orthogonal"), seed=0)
    w = model.units[0].conv.weight
    centre = w[:, :, 1, 1]
    torch.testing.assert_close(centre @ centre.T, torch.eye(16), atol=1e-5, rtol=0)
    assert w[:, :, 0, 0].abs().max() == 0


def test_spectral_norms_are_exact_largest_singular_values():
    g = torch.Generator().manual_seed(0)
    weights = [torch.randn(3, 20, 7, generator=g, dtype=torch.float64),
               torch.randn(3, 1, 20, generator=g, dtype=torch.float64)]   # (M, out, in), output layer a vector
    norms = torch.stack([models.spectral_norm(w) for w in weights], dim=-1)
    assert norms.shape == (3, 2)
    for m in range(3):
        assert norms[m, 0] == pytest.approx(np.linalg.svd(weights[0][m].numpy(), compute_uv=False)[0])
        assert norms[m, 1] == pytest.approx(np.linalg.norm(weights[1][m].numpy()))


@pytest.mark.parametrize("name", activations.NAMES)
def test_in_place_activations_give_the_same_values(name):
    x = torch.randn(64)
    expected = activations.make(name, 0.2)(x)
    module = activations.make(name, 0.2, inplace=True)
    y = x.clone()
    assert torch.equal(module(y), expected)
    assert getattr(module, "inplace", True)


@pytest.mark.parametrize("spec", [dict(arch="toycnn", depth=3), dict(arch="resnet", depth=8, version=1),
                                  dict(arch="resnet", depth=8, version=2), dict(arch="mlp", in_features=3)])
def test_forward_from_a_layer_equals_the_full_forward(spec):
    """``forward(x, start=k)`` on the input of ``layer_names[k]`` gives the full forward's output."""
    model = build_model(spec, seed=0).eval()
    size = 32 if spec["arch"] == "toycnn" else 16
    x = torch.randn(2, 3) if spec["arch"] == "mlp" else torch.randn(2, 3, size, size)
    inputs = {}
    modules = dict(model.named_modules())
    hooks = [modules[n].register_forward_pre_hook(lambda m, a, n=n: inputs.__setitem__(n, a[0].clone()))
             for n in model.layer_names]
    with torch.no_grad():
        full = model(x)
        for h in hooks:
            h.remove()
        for k, n in enumerate(model.layer_names):
            torch.testing.assert_close(model(inputs[n], start=k), full)

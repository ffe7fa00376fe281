"""The batched path engine against one-point-at-a-time evaluation, and its directions."""

import copy

import pytest
import torch
from torch import nn

from netspectra import directions
from netspectra import layers as layer_types
from netspectra.models import build_model
from netspectra.paths import LOSS, PathEvaluator, is_stackable, sample_indices, shared_prefix, unravel_index
from netspectra.sampling import sample_model_paths

SPECS = [
    dict(arch="toycnn", depth=4, activation="relu"),
    dict(arch="toycnn", depth=3, activation="tanh", shortcut=True, groups=2),
    dict(arch="resnet", depth=8, version=1, shortcut=True, activation="leaky_relu", slope=0.2),
    dict(arch="resnet", depth=8, version=2, shortcut=True, nu=0.5),
    dict(arch="resnet", depth=8, version=1, shortcut=False, groups=2),
]


def one_at_a_time(model, x, direction, ts, layers):
    """The naive reference: copy W + t·D into the model, run it, record the layers, repeat."""
    model = copy.deepcopy(model).train()
    base = {n: p.detach().clone() for n, p in model.named_parameters()}
    modules = dict(model.named_modules())
    outputs = {n: [] for n in layers}
    for t in ts:
        with torch.no_grad():
            for n, p in model.named_parameters():
                p.copy_(base[n] + t * direction.get(n, torch.zeros_like(p)))
            store = {}
            hooks = [modules[n].register_forward_hook(lambda m, i, o, n=n, s=store: s.__setitem__(n, o.clone()))
                     for n in layers]
            model(x)
            for h in hooks:
                h.remove()
        for n in layers:
            outputs[n].append(store[n])
    return {n: torch.stack(v) for n, v in outputs.items()}


def one_loss_at_a_time(model, x, y, direction, ts):
    """The naive loss path: the batch's mean cross-entropy of the model at W + t·D, one t at a time."""
    model = copy.deepcopy(model).train()
    base = {n: p.detach().clone() for n, p in model.named_parameters()}
    losses = []
    with torch.no_grad():
        for t in ts:
            for n, p in model.named_parameters():
                p.copy_(base[n] + t * direction.get(n, torch.zeros_like(p)))
            losses.append(nn.functional.cross_entropy(model(x), y))
    return torch.stack(losses)


def relative_error(a, b):
    return ((a - b).norm() / b.norm()).item()


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s['arch']}-{s.get('version', '')}-{s.get('groups', 1)}")
def test_loss_path_batched_equals_one_point_at_a_time(spec):
    model = build_model(spec, seed=1)
    size = 32 if spec["arch"] == "toycnn" else 16
    x, y = torch.randn(4, 3, size, size, generator=torch.Generator().manual_seed(0)), torch.tensor([0, 3, 9, 3])
    ts = torch.linspace(0, 5.0, 7)
    d = directions.random_direction(model, "all", seed=5)
    batched = PathEvaluator(model, x, [LOSS, model.layer_names[-1]], chunk=3, targets=y)(d, ts)
    assert batched[LOSS].shape == (7,)
    assert relative_error(batched[LOSS], one_loss_at_a_time(model, x, y, d, ts)) < 1e-5
    with pytest.raises(ValueError, match="labels"):
        PathEvaluator(model, x, [LOSS])


def test_loss_path_rows_come_after_the_last_layer():
    model = build_model(dict(arch="toycnn", depth=2), seed=0)
    x, y = torch.randn(2, 3, 32, 32), torch.tensor([1, 2])
    table = sample_model_paths(model, x, y, direction="all", n_directions=2, n_points=8, radius=1.0,
                               layers=["loss", "last"], max_paths_per_layer=3, batchnorm="batch", chunk=4, seed=0)
    loss = table[table.layer_name == LOSS]
    assert len(loss) == 2 and (loss.layer == len(model.layer_names)).all() and (loss.path_index == 0).all()
    assert all(len(v) == 8 for v in loss["values"]) and len(table) == 2 * (1 + 3)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s['arch']}-{s.get('version', '')}-{s.get('groups', 1)}")
@pytest.mark.parametrize("kind", ["all", "layer:1"])
def test_batched_equals_one_point_at_a_time(spec, kind):
    torch.manual_seed(0)
    model = build_model(spec, seed=1)
    x = torch.randn(3, 3, 32 if spec["arch"] == "toycnn" else 16, 32 if spec["arch"] == "toycnn" else 16)
    ts = torch.linspace(0, 2.0, 7)
    d = directions.random_direction(model, kind, seed=5)
    layers = model.layer_names[1:]
    batched = PathEvaluator(model, x, layers, chunk=3)(d, ts)
    reference = one_at_a_time(model, x, d, ts, layers)
    for n in layers:
        assert batched[n].shape == reference[n].shape
        assert relative_error(batched[n], reference[n]) < 1e-5


def test_generic_models_run_through_vmap():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.Tanh(), nn.Flatten(),
                          nn.Linear(8 * 64, 4))
    assert not is_stackable(model)
    x = torch.randn(5, 3, 8, 8)
    d = directions.random_direction(model, "all", seed=2)
    ts = torch.linspace(0, 1, 6)
    batched = PathEvaluator(model, x, ["2", "4"], chunk=4)(d, ts)
    reference = one_at_a_time(model, x, d, ts, ["2", "4"])
    assert relative_error(batched["4"], reference["4"]) < 1e-5
    assert model[1].running_mean.abs().max() == 0  # the user's model is left untouched
    y = torch.tensor([0, 1, 2, 3, 0])
    loss = PathEvaluator(model, x, [LOSS], chunk=4, targets=y)(d, ts)[LOSS]
    assert relative_error(loss, one_loss_at_a_time(model, x, y, d, ts)) < 1e-5


def test_chunking_and_selection_do_not_change_results():
    model = build_model(dict(arch="toycnn", depth=3), seed=0)
    x = torch.randn(2, 3, 32, 32)
    d = directions.random_direction(model, "all", seed=0)
    ts = torch.linspace(0, 1, 10)
    full = PathEvaluator(model, x, ["units.2"], chunk=10)(d, ts)["units.2"]
    idx = sample_indices(full.shape[1:], 17, torch.Generator().manual_seed(0))
    picked = PathEvaluator(model, x, ["units.2"], chunk=3)(d, ts, {"units.2": idx})["units.2"]
    assert picked.shape == (10, 17)
    torch.testing.assert_close(picked, full.flatten(1)[:, idx], rtol=1e-5, atol=1e-6)


def test_batchnorm_running_statistics_untouched():
    model = build_model(dict(arch="toycnn", depth=2), seed=0)
    before = {n: b.clone() for n, b in model.named_buffers()}
    d = directions.random_direction(model, "all", 0)
    PathEvaluator(model, torch.randn(4, 3, 32, 32), ["units.1"])(d, torch.linspace(0, 1, 4))
    for n, b in model.named_buffers():
        torch.testing.assert_close(b, before[n])


def test_directions_are_unit_norm_seeded_and_restricted():
    model = build_model(dict(arch="toycnn", depth=3), seed=0)
    d = directions.random_direction(model, "layer:0", seed=3)
    assert set(d) == {"stem.weight", "stem.bias"}
    norm = torch.sqrt(sum((v**2).sum() for v in d.values()))
    assert norm.item() == pytest.approx(1.0, abs=1e-6)
    again = directions.random_direction(model, "layer:0", seed=3)
    assert all(torch.equal(d[n], again[n]) for n in d)
    unit = {n for n, _ in model.named_parameters() if n.startswith("units.1.")}
    assert set(directions.random_direction(model, "layer:units.1", 0)) == unit
    with pytest.raises(ValueError, match="valid: all, layer:<k>, gradient"):
        directions.random_direction(model, "sideways", 0)


def test_gradient_direction_is_the_normalised_loss_gradient():
    model = build_model(dict(arch="toycnn", depth=2), seed=0)
    x, y = torch.randn(6, 3, 32, 32), torch.randint(0, 10, (6,))
    d = directions.make_direction(model, "gradient", 0, x, y)
    norm = torch.sqrt(sum((v**2).sum() for v in d.values()))
    assert norm.item() == pytest.approx(1.0, abs=1e-5)
    # A small step along the gradient increases the loss.
    loss = lambda m: torch.nn.functional.cross_entropy(m.train()(x), y).item()  # noqa: E731
    stepped = copy.deepcopy(model)
    with torch.no_grad():
        for n, p in stepped.named_parameters():
            p.add_(1e-2 * d[n])
    assert loss(stepped) > loss(model)


def test_first_layer_relu_paths_have_h_one():
    """Paper App. B.2: moving only the first layer, a first-layer ReLU output is ReLU(m·t + n): |z_k| ~ 1/k."""
    import numpy as np

    from netspectra import powerlaw, spectra

    model = build_model(dict(arch="mlp", in_features=8, widths=[64, 64], out_features=1), seed=0)
    table = sample_model_paths(model, torch.randn(16, 8), torch.zeros(16, dtype=torch.long), direction="layer:0",
                               n_directions=4, n_points=128, radius=8.0, layers=["layers.0"],
                               max_paths_per_layer=None, batchnorm="batch", chunk=64, seed=0)
    power, used = spectra.average_power(np.stack(table["values"].to_numpy()))
    assert used > 0
    h = powerlaw.fit(spectra.frequencies(128), np.sqrt(power), 1, 32)["h"]
    assert h == pytest.approx(1.0, abs=0.15)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s['arch']}-{s.get('version', '')}-{s.get('groups', 1)}")
@pytest.mark.parametrize("kind", ["layer:2", "layer:-2"])
def test_shared_prefix_equals_one_point_at_a_time(spec, kind):
    """A direction moving a later layer: the layers before it run once, are broadcast, and nothing changes."""
    model = build_model(spec, seed=1)
    size = 32 if spec["arch"] == "toycnn" else 16
    x, y = torch.randn(3, 3, size, size, generator=torch.Generator().manual_seed(0)), torch.tensor([1, 0, 1])
    ts = torch.linspace(0, 2.0, 7)
    d = directions.random_direction(model, kind, seed=5)
    boundary, plain = shared_prefix(model, d)
    assert boundary == model.layer_names[int(kind.split(":")[1])] and plain and not plain & set(d)
    layers = model.layer_names
    batched = PathEvaluator(model, x, [*layers, LOSS], chunk=3, targets=y)(d, ts)
    reference = one_at_a_time(model, x, d, ts, layers)
    for n in layers:
        assert relative_error(batched[n], reference[n]) < 1e-5, n
    assert relative_error(batched[LOSS], one_loss_at_a_time(model, x, y, d, ts)) < 1e-5
    # the layers before the moved one are the same at every point
    before = layers[: layers.index(boundary)]
    assert all((batched[n] == batched[n][:1]).all() for n in before)


@pytest.mark.parametrize("stride,bias", [(1, True), (2, False)])
def test_conv_with_one_weight_for_all_points_equals_the_grouped_conv(stride, bias):
    """An unmoved convolution after a moved layer (an ``expand``ed weight) runs as one dense conv3d."""
    p, b, c = 5, 3, 4
    conv = layer_types.Conv2d(c, 6, 3, stride=stride, padding=1, bias=bias)
    x = torch.randn(b, p * c, 9, 9).contiguous(memory_format=torch.channels_last)
    w = conv.weight.detach()
    stacked = {"weight": w.expand(p, *w.shape)} | ({"bias": conv.bias.detach().expand(p, 6)} if bias else {})
    assert layer_types.is_shared(stacked["weight"]) and not layer_types.is_shared(w.repeat(p, 1, 1, 1, 1))
    dense = torch.func.functional_call(conv, stacked, (x,))
    grouped = torch.func.functional_call(conv, {k: v.contiguous() for k, v in stacked.items()}, (x,))
    per_point = torch.cat([conv(x[:, i * c:(i + 1) * c]) for i in range(p)], dim=1)
    torch.testing.assert_close(dense, grouped)
    torch.testing.assert_close(dense, per_point)


def test_no_prefix_is_shared_when_the_first_layer_moves():
    model = build_model(dict(arch="toycnn", depth=3), seed=0)
    assert shared_prefix(model, directions.random_direction(model, "all", 0)) == (None, frozenset())
    assert shared_prefix(model, directions.random_direction(model, "layer:0", 0)) == (None, frozenset())


@pytest.mark.parametrize("kind", ["all", "layer:1", "layer:2"])
def test_mlp_batched_equals_one_point_at_a_time(kind):
    """netspectra's MLP: a linear first module of the moved layer (A + t·B) and the start of a later layer."""
    model = build_model(dict(arch="mlp", in_features=2, widths=[8, 8, 8], out_features=3), seed=1)
    x, ts = torch.randn(5, 2, generator=torch.Generator().manual_seed(0)), torch.linspace(0, 2.0, 7)
    d = directions.random_direction(model, kind, seed=5)
    batched = PathEvaluator(model, x, model.layer_names, chunk=3)(d, ts)
    reference = one_at_a_time(model, x, d, ts, model.layer_names)
    for n in model.layer_names:
        assert relative_error(batched[n], reference[n]) < 1e-5, n


def test_prefix_runs_once_per_call_and_the_first_conv_twice_not_per_point():
    model = build_model(dict(arch="toycnn", depth=4), seed=0)
    evaluator = PathEvaluator(model, torch.randn(2, 3, 32, 32), ["units.3"], chunk=3)
    calls, stacks = [], []
    hooks = [model.stem.register_forward_pre_hook(lambda m, a: calls.append(1)),
             model.units[1].conv.register_forward_pre_hook(lambda m, a: stacks.append(m.weight.shape[0]))]
    evaluator(directions.random_direction(model, "layer:2", seed=0), torch.linspace(0, 1, 7))
    for h in hooks:
        h.remove()
    assert len(calls) == 1  # the plain pass; the three chunks start at units.1
    assert stacks == [1, 2, 2, 2]  # plain pass, then [W, D] for each chunk instead of 3 stacked copies


def test_in_place_activations_leave_recorded_outputs_intact():
    """A BatchNorm's output, recorded in full, is overwritten by the ReLU after it: the record is a copy."""
    model = build_model(dict(arch="toycnn", depth=2), seed=0)
    x, ts = torch.randn(2, 3, 32, 32), torch.linspace(0, 1, 4)
    d = directions.random_direction(model, "all", seed=0)
    batched = PathEvaluator(model, x, ["units.1.bn"], chunk=2)(d, ts)["units.1.bn"]
    assert (batched < 0).any()
    assert relative_error(batched, one_at_a_time(model, x, d, ts, ["units.1.bn"])["units.1.bn"]) < 1e-5


def test_keep_freed_memory_is_set_once_where_malloc_is_glibc():
    import ctypes
    import platform

    from netspectra.device import keep_freed_memory

    glibc = platform.libc_ver()[0] == "glibc" and hasattr(ctypes.CDLL(None), "mallopt")
    assert keep_freed_memory() is glibc and keep_freed_memory() is glibc


def test_unravel_index_equals_torch():
    shape = (3, 4, 5, 2)
    flat = torch.randperm(120)[:37]
    for ours, theirs in zip(unravel_index(flat, shape), torch.unravel_index(flat, shape), strict=True):
        assert torch.equal(ours, theirs)


def test_stacked_convolution_weights_reach_the_grouped_conv_channels_last():
    """W + t·D comes out channels-last like the activations, so the grouped convolution reorders no weight."""
    model = build_model(dict(arch="toycnn", depth=3), seed=0)
    seen = []
    hook = model.units[1].conv.register_forward_pre_hook(lambda m, a: seen.append(m.weight.flatten(0, 1)))
    PathEvaluator(model, torch.randn(2, 3, 32, 32), ["units.2"], chunk=4)(
        directions.random_direction(model, "all", seed=0), torch.linspace(0, 1, 4))
    hook.remove()
    assert seen and all(w.is_contiguous(memory_format=torch.channels_last) for w in seen)
    assert seen[-1].shape[0] == 4 * 16  # the stacked weights of the chunk's four points

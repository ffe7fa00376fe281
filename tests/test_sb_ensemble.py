"""The batched ensemble trains every member exactly as an independent run would."""

import pandas as pd
import pytest
import torch
from torch import nn

from netspectra.ensemble import (
    init_stacked,
    linear_layers,
    member_losses,
    member_params,
    predict,
    stack_params,
    train_ensemble,
)
from netspectra.models import mlp


def small_mlp(seed):
    return mlp(2, [16, 16], 1)


def mse(out, target):
    return ((out - target) ** 2).mean()


def one_by_one(seed, x, y, n_steps, lr, optimizer):
    torch.manual_seed(seed)
    model = small_mlp(seed).double()
    optimizers = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}
    opt = optimizers[optimizer](model.parameters(), lr=lr)
    losses = []
    for _ in range(n_steps):
        loss = mse(model(x), y)
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
    losses.append(mse(model(x), y).item())
    return losses, model


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_batched_equals_sequential(optimizer):
    torch.manual_seed(123)
    seeds = [3, 7, 11]
    x = torch.rand(32, 2, dtype=torch.float64)
    y = torch.randn(len(seeds), 32, 1, dtype=torch.float64)  # a different target per member
    base, params = init_stacked(lambda s: small_mlp(s).double(), seeds)
    result = train_ensemble(base, params, x, y, mse, n_steps=25, learning_rate=1e-2, record_every=5,
                            optimizer=optimizer, member_targets=True)
    for m, seed in enumerate(seeds):
        expected, model = one_by_one(seed, x, y[m], 25, 1e-2, optimizer)
        got = result.losses.query("run == @m").sort_values("step")["loss"].to_numpy()
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
        for name, p in model.named_parameters():
            torch.testing.assert_close(result.params[name][m].detach(), p.detach(), rtol=1e-9, atol=1e-12)
    # members do train, and differently from each other
    final = result.losses.query("step == 25")["loss"].to_numpy()
    start = result.losses.query("step == 0")["loss"].to_numpy()
    assert (final < start).all() and len(set(final.round(12))) == len(seeds)


def test_member_inputs_and_records():
    seeds = [0, 1]
    x = torch.rand(2, 10, 2)  # a different input set per member
    y = torch.zeros(10, 1)
    base, params = init_stacked(small_mlp, seeds)

    def record(step, p):
        out = predict(base, p, x, member_inputs=True)
        return pd.DataFrame({"run": [0, 1], "step": step, "mean": out.mean(dim=(1, 2)).numpy()})

    res = train_ensemble(base, params, x, y, mse, n_steps=7, learning_rate=1e-3, record_every=3,
                         record_fn=record, member_inputs=True)
    assert sorted(res.records["step"].unique()) == [0, 3, 6, 7]
    assert len(res.losses) == 2 * 8
    # predict with member inputs matches each member evaluated on its own inputs
    module = small_mlp(0)
    module.load_state_dict(member_params(res.params, 1))
    torch.testing.assert_close(predict(base, res.params, x, member_inputs=True)[1], module(x[1]).detach())


def test_stack_params_rejects_mismatched_members():
    with pytest.raises(ValueError):
        stack_params([nn.Linear(2, 3), nn.Sequential(nn.Linear(2, 3))])


def test_plain_mlps_run_as_batched_matmuls_and_other_models_through_vmap():
    """An MLP of Linear and elementwise activations skips vmap (stacked_forward); anything else keeps it, and both
    give every member's own outputs and losses."""
    x, y = torch.rand(2, 9, 3), torch.rand(2, 9, 1)
    plain = lambda s: mlp(3, [8, 8], 1, activation="tanh", output="sigmoid")  # noqa: E731
    other = lambda s: nn.Sequential(nn.Linear(3, 8), nn.LayerNorm(8), nn.ReLU(), nn.Linear(8, 1))  # noqa: E731
    assert linear_layers(plain(0)) is not None and linear_layers(other(0)) is None
    assert linear_layers(nn.Sequential(nn.Linear(3, 4), nn.Flatten())) is None  # not elementwise
    for factory in (plain, other):
        base, params = init_stacked(factory, [1, 2])
        losses = member_losses(base, params, x, y, mse, member_inputs=True, member_targets=True)
        for m in range(2):
            module = factory(0)
            module.load_state_dict(member_params(params, m))
            torch.testing.assert_close(predict(base, params, x, member_inputs=True)[m], module(x[m]).detach())
            torch.testing.assert_close(predict(base, params, x[0])[m], module(x[0]).detach())  # shared inputs
            torch.testing.assert_close(losses[m], mse(module(x[m]), y[m]))

"""The batched F-Principle networks: Gaussian members, the bmm forward pass, and training that equals
independent runs."""

import pytest
import torch
from torch.func import functional_call

from netspectra import ensemble, models
from netspectra.papers.fp import training as fp_training

WIDTHS = [12, 8]


@pytest.fixture(autouse=True)
def one_thread():
    """These nets are tiny: on a busy 2-core machine a second torch thread only adds synchronisation."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
STDS = [(0.1, 0.1), (0.5, 0.01), (0.05, 2.0)]


def members(dtype=torch.float64):
    stacked = fp_training.gaussian_members(3, WIDTHS, 2, STDS, seed=4)
    return {n: p.detach().to(dtype).requires_grad_(True) for n, p in stacked.items()}


def test_members_have_the_requested_stds_and_share_their_draws():
    stacked = fp_training.gaussian_members(50, [400, 300], 1, STDS, seed=0)
    for name, p in stacked.items():
        assert p.shape[0] == len(STDS)
        expected = [w if name.endswith("weight") else b for w, b in STDS]
        if p[0].numel() >= 300:
            assert p.detach().flatten(1).std(dim=1).numpy() == pytest.approx(expected, rel=0.1)
        # members differ only by their scale: the same standard-normal draw times their std
        torch.testing.assert_close(p[1].detach() / expected[1], p[0].detach() / expected[0])
    with pytest.raises(ValueError):
        fp_training.gaussian_members(2, [4], 1, [], seed=0)


def test_forward_equals_each_member_as_a_torch_module():
    stacked = members()
    x = torch.randn(7, 3, dtype=torch.float64)
    out = fp_training.forward(stacked, x)
    assert out.shape == (3, 7, 2)
    template = models.mlp(3, WIDTHS, 2, activation="tanh").double()
    for m in range(3):
        params = {n: p[m] for n, p in stacked.items()}
        torch.testing.assert_close(out[m], functional_call(template, params, (x,)))
    # the same layout as netspectra.ensemble: its vmap path gives the same outputs
    torch.testing.assert_close(out, ensemble.predict(template, stacked, x))
    # per-member inputs and chunked prediction
    xm = torch.randn(3, 5, 3, dtype=torch.float64)
    torch.testing.assert_close(fp_training.forward(stacked, xm)[1], functional_call(
        template, {n: p[1] for n, p in stacked.items()}, (xm[1],)))
    torch.testing.assert_close(fp_training.predict(stacked, x, chunk_size=3), out.detach())


def single(stacked, m):
    return {n: p[m:m + 1].detach().clone().requires_grad_(True) for n, p in stacked.items()}


def test_full_batch_training_equals_independent_runs():
    stacked = members()
    x = torch.randn(20, 3, dtype=torch.float64)
    y = torch.randn(20, 2, dtype=torch.float64)
    alone = [single(stacked, m) for m in range(3)]
    recorded = []
    records = fp_training.train_full_batch(
        stacked, x, y, loss="mse", n_steps=12, learning_rate=1e-2, record_every=5,
        record_fn=lambda step, p: recorded.append(step) or [{"step": step, "loss0": float(
            fp_training.member_losses(p, x, y, "mse")[0])}]).records
    assert recorded == [0, 5, 10, 12] and list(records.step) == [0, 5, 10, 12]
    for m in range(3):
        fp_training.train_full_batch(alone[m], x, y, loss="mse", n_steps=12, learning_rate=1e-2, record_every=100,
                                     record_fn=lambda step, p: None)
        for name in stacked:
            torch.testing.assert_close(stacked[name][m].detach(), alone[m][name][0].detach(), rtol=1e-10, atol=1e-12)
    assert records.loss0.iloc[-1] < records.loss0.iloc[0]


@pytest.mark.parametrize("loss", fp_training.LOSSES)
def test_minibatch_training_equals_independent_runs(loss):
    stacked = members()
    x = torch.randn(30, 3, dtype=torch.float64)
    labels = torch.randint(0, 2, (30,))
    target = torch.nn.functional.one_hot(labels, 2).double() if loss == "mse" else labels
    alone = [single(stacked, m) for m in range(3)]
    epochs = []
    fp_training.train_minibatch(stacked, x, target, loss=loss, n_epochs=3, batch_size=8, learning_rate=1e-2, seed=1,
                                record_fn=lambda epoch, p: epochs.append(epoch))
    assert epochs == [0, 1, 2, 3]
    for m in range(3):
        fp_training.train_minibatch(alone[m], x, target, loss=loss, n_epochs=3, batch_size=8, learning_rate=1e-2,
                                    seed=1, record_fn=lambda epoch, p: None)
        for name in stacked:
            torch.testing.assert_close(stacked[name][m].detach(), alone[m][name][0].detach(), rtol=1e-10, atol=1e-12)


def test_member_losses():
    stacked = members()
    x = torch.randn(6, 3, dtype=torch.float64)
    out = fp_training.forward(stacked, x).detach()
    y = torch.randn(6, 2, dtype=torch.float64)
    assert fp_training.member_losses(stacked, x, y, "mse").detach().numpy() == pytest.approx(
        ((out - y) ** 2).mean(dim=(1, 2)).numpy())
    labels = torch.tensor([0, 1, 1, 0, 1, 0])
    ce = fp_training.member_losses(stacked, x, labels, "cross_entropy").detach()
    for m in range(3):
        assert ce[m] == pytest.approx(float(torch.nn.functional.cross_entropy(out[m], labels)))
    with pytest.raises(ValueError, match="unknown loss"):
        fp_training.member_losses(stacked, x, y, "hinge")


def test_parameter_magnitudes_pool_all_layers():
    stacked = members()
    mags = fp_training.parameter_magnitudes(stacked)
    for m in range(3):
        w = torch.cat([p[m].detach().abs().flatten() for n, p in stacked.items() if n.endswith("weight")])
        b = torch.cat([p[m].detach().abs().flatten() for n, p in stacked.items() if n.endswith("bias")])
        assert mags["weight_mean"][m] == pytest.approx(float(w.mean()))
        assert mags["weight_std"][m] == pytest.approx(float(w.std(correction=0)))
        assert mags["bias_mean"][m] == pytest.approx(float(b.mean()))
        assert mags["bias_std"][m] == pytest.approx(float(b.std(correction=0)))
    # the bias-heavy member's biases dominate its weights
    assert mags["bias_mean"][2] > 10 * mags["weight_mean"][2]

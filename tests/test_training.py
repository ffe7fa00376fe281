"""Stacked training: members behave as independent runs; divergence, schedules, checkpoints, metrics."""

import math

import pandas as pd
import pytest
import torch

from netspectra import checkpoints, seeds, stacking, training
from netspectra.models import build_model
from netspectra.papers.rr import tables as rr_tables

SPEC = dict(arch="toycnn", depth=2, width=4, in_channels=3, n_classes=3, image_size=8)


def tiny_data(n=96, n_val=24, dtype=torch.float32):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n + n_val, 3, 8, 8, generator=g, dtype=dtype)
    y = torch.randint(0, 3, (n + n_val,), generator=g)
    return x[:n], y[:n], x[n:], y[n:]


def recipe(**kw):
    return training.Recipe(**({"n_epochs": 2, "batch_size": 16, "learning_rate": 0.05, "momentum": 0.9,
                               "weight_decay": 1e-4, "crop_padding": 1, "horizontal_flip": True,
                               "log_every_steps": 2} | kw))


def stacked(seeds, spec=SPEC, slopes=None, dtype=torch.float32):
    models = [build_model(spec | ({"slope": s} if slopes else {}), seed=seed).to(dtype)
              for seed, s in zip(seeds, slopes or [None] * len(seeds))]
    return stacking.stack_models(models, slopes), models


@pytest.mark.parametrize("spec", [
    dict(arch="resnet", depth=8, version=1, shortcut=False, groups=3, activation="leaky_relu", planes=[4, 8, 8],
         n_classes=5),
    dict(arch="resnet", depth=8, version=2, shortcut=True, activation="leaky_relu", planes=[4, 8, 8], n_classes=5),
    dict(arch="toycnn", depth=3, width=4, shortcut=True, activation="leaky_relu", image_size=8, n_classes=5),
])
def test_stacked_model_equals_its_members(spec):
    slopes = [0.0, 0.3, 1.0]
    model, members = stacked([1, 2, 3], spec, slopes)
    x = torch.randn(6, 3, 3, 8, 8)
    for mode in ("train", "eval"):
        model.train(mode == "train")
        for m in members:
            m.train(mode == "train")
        out = stacking.member_outputs(model(x.flatten(1, 2)), 3)  # each member its own images
        shared = stacking.member_outputs(model(x[:, 0]), 3)        # every member the same images
        for i, m in enumerate(members):
            torch.testing.assert_close(out[:, i], m(x[:, i]), atol=1e-4, rtol=1e-4)
            torch.testing.assert_close(shared[:, i], m(x[:, 0]), atol=1e-4, rtol=1e-4)
    # Convolution weights are channels-last per member, as the grouped convolution over the stacked layout takes them.
    convs = [w for n, w in model.named_parameters() if w.dim() == 5]
    assert convs and all(w.flatten(0, 1).is_contiguous(memory_format=torch.channels_last) for w in convs)
    # Running statistics were updated per member, exactly as the members' own.
    for i, m in enumerate(members):
        state = stacking.member_state_dict(model.state_dict(), i)
        for name, value in m.state_dict().items():
            torch.testing.assert_close(state[name].to(value.dtype), value, atol=1e-5, rtol=1e-5)


def test_members_train_as_independent_runs():
    """A member inside an ensemble follows the trajectory of the same seed trained alone (float64)."""
    x, y, xv, yv = tiny_data(dtype=torch.float64)
    model, _ = stacked([5, 7], dtype=torch.float64)
    together = training.train(model, [5, 7], x, y, xv, yv, recipe(), log=lambda s: None)
    alone_model, _ = stacked([7], dtype=torch.float64)
    alone = training.train(alone_model, [7], x, y, xv, yv, recipe(), log=lambda s: None)
    cols = ["epoch", "step", "loss", "train_accuracy", "val_loss", "val_accuracy", "learning_rate"]
    pd.testing.assert_frame_equal(together[together.member == 1][cols].reset_index(drop=True), alone[cols],
                                  rtol=1e-6, atol=1e-9)
    assert not together[together.member == 0].loss.equals(together[together.member == 1].loss.reset_index(drop=True))
    torch.testing.assert_close(stacking.member_state_dict(model.state_dict(), 1)["classifier.weight"],
                               stacking.member_state_dict(alone_model.state_dict(), 0)["classifier.weight"])


def test_a_diverged_member_stops_without_touching_the_others():
    x, y, xv, yv = tiny_data(dtype=torch.float64)
    model, _ = stacked([5, 7], dtype=torch.float64)
    with torch.no_grad():
        model.classifier.weight[0] = math.nan  # member 0's loss is NaN from the first step
    metrics = training.train(model, [5, 7], x, y, xv, yv, recipe(), log=lambda s: None)
    dead = metrics[metrics.member == 0]
    assert len(dead) == 1 and dead.diverged.all() and dead.step.tolist() == [1] and math.isnan(dead.loss.iloc[0])
    alone_model, _ = stacked([7], dtype=torch.float64)
    alone = training.train(alone_model, [7], x, y, xv, yv, recipe(), log=lambda s: None)
    live = metrics[metrics.member == 1].reset_index(drop=True)
    assert not live.diverged.any()
    pd.testing.assert_series_equal(live.loss, alone.loss, rtol=1e-6, atol=1e-9)


def test_infinite_learning_rate_diverges_and_ends_the_run():
    x, y, xv, yv = tiny_data()
    model, _ = stacked([1])
    metrics = training.train(model, [1], x, y, xv, yv, recipe(n_epochs=5, learning_rate=1e30), log=lambda s: None)
    assert metrics.diverged.iloc[-1] and metrics.diverged.sum() == 1
    assert not math.isfinite(metrics.loss.iloc[-1])
    assert metrics.epoch.max() < 5 or metrics.step.iloc[-1] < 5 * (96 // 16)


def test_augmented_batch_crops_and_flips_per_member():
    x = torch.arange(2 * 1 * 4 * 4, dtype=torch.float32).view(2, 1, 4, 4)
    pad = torch.nn.functional.pad(x, (1, 1, 1, 1))
    idx = torch.tensor([[0, 1], [1, 0]])
    centred = torch.ones(2, 2, 2, dtype=torch.long)
    no_flip = torch.zeros(2, 2, dtype=torch.bool)
    out = training.augmented_batch(pad, idx, centred, no_flip, 4)  # (B=2, M*C=2, 4, 4)
    assert torch.equal(out[:, 0], x[[0, 1], 0]) and torch.equal(out[:, 1], x[[1, 0], 0])
    assert out.is_contiguous(memory_format=training.LAYOUT)
    flipped = training.augmented_batch(pad, idx, centred, ~no_flip, 4)
    assert torch.equal(flipped[:, 0], x[[0, 1], 0].flip(-1))
    corner = training.augmented_batch(pad, idx, torch.zeros_like(centred), no_flip, 4)
    assert torch.equal(corner[0, 0, 1:, 1:], x[0, 0, :3, :3]) and (corner[0, 0, 0] == 0).all()


def test_learning_rate_schedules():
    cosine = recipe(n_epochs=2, lr_schedule="cosine")
    assert training.lr_factor(0, 10, cosine) == 1.0
    assert training.lr_factor(10, 10, cosine) == pytest.approx(0.5)
    assert training.lr_factor(20, 10, cosine) == pytest.approx(0.0, abs=1e-12)
    multistep = recipe(n_epochs=4, lr_schedule="multistep", lr_milestones=(1, 3), lr_gamma=0.1)
    assert [training.lr_factor(s, 10, multistep) for s in (9, 10, 29, 30)] == pytest.approx([1, 0.1, 0.1, 0.01])
    with pytest.raises(ValueError, match="lr_schedule"):
        training.Recipe.from_dict({"n_epochs": 1, "batch_size": 2, "learning_rate": 0.1, "momentum": 0,
                                   "weight_decay": 0, "lr_schedule": "linear"})


def test_corrupt_checkpoint_is_reported_and_the_previous_one_resumed(tmp_path):
    x, y, xv, yv = tiny_data()
    reference = training.train(stacked([3])[0], [3], x, y, xv, yv, recipe(n_epochs=3), log=lambda s: None)
    training.train(stacked([3])[0], [3], x, y, xv, yv, recipe(n_epochs=3), checkpoint_dir=tmp_path,
                   run_fingerprint="a", log=lambda s: None)
    assert checkpoints.epochs(tmp_path) == [2, 3]  # pruned: the two newest stay
    newest = checkpoints.epoch_path(tmp_path, 3)
    newest.write_bytes(newest.read_bytes()[:1000])  # truncated
    messages = []
    resumed = training.train(stacked([3])[0], [3], x, y, xv, yv, recipe(n_epochs=3), checkpoint_dir=tmp_path,
                             run_fingerprint="a", log=messages.append)
    assert any(str(newest) in m and "corrupt" in m for m in messages)
    assert any("resuming from the checkpoint of epoch 2" in m for m in messages)
    pd.testing.assert_frame_equal(resumed.drop(columns="seconds"), reference.drop(columns="seconds"))


def test_checkpoints_of_another_configuration_are_not_resumed(tmp_path):
    x, y, xv, yv = tiny_data()
    training.train(stacked([3])[0], [3], x, y, xv, yv, recipe(n_epochs=1), checkpoint_dir=tmp_path,
                   run_fingerprint="a", log=lambda s: None)
    messages = []
    training.train(stacked([3])[0], [3], x, y, xv, yv, recipe(n_epochs=1), checkpoint_dir=tmp_path,
                   run_fingerprint="b", log=messages.append)
    assert any("different configuration" in m for m in messages)
    assert not any("resuming" in m for m in messages)
    assert checkpoints.load(checkpoints.epoch_path(tmp_path, 1))["fingerprint"] == "b"


def test_exported_member_weights_load_into_the_plain_model(tmp_path):
    x, y, xv, yv = tiny_data()
    spec = SPEC | {"activation": "leaky_relu"}
    members = [{"slope": 0.1, "run": 0}, {"slope": 0.5, "run": 0}, {"slope": 0.1, "run": 1}]
    member_seeds = [seeds.member_seed(0, m["run"]) for m in members]
    models = [build_model(spec | {"slope": m["slope"]}, seed=s) for m, s in zip(members, member_seeds)]
    model = stacking.stack_models(models, [m["slope"] for m in members])
    training.train(model, member_seeds, x, y, xv, yv, recipe(n_epochs=2), checkpoint_dir=tmp_path / "state",
                   run_fingerprint="f", keep_epochs=[0], log=lambda s: None)
    checkpoints.export(tmp_path / "state", tmp_path / "out", [0, 2], {"members": members})
    plain = build_model(spec | {"slope": 0.5}, seed=123)
    weights = checkpoints.epoch_path(tmp_path / "out", 2)
    plain.load_state_dict(checkpoints.member_weights(weights, spec | {"slope": 0.5}, run=0))
    model.eval()
    plain.eval()
    torch.testing.assert_close(plain(xv), stacking.member_outputs(model(xv), 3)[:, 1], atol=1e-5, rtol=1e-5)
    start = checkpoints.member_weights(checkpoints.epoch_path(tmp_path / "out", 0), spec | {"slope": 0.1}, run=1)
    torch.testing.assert_close(start["classifier.weight"], models[2].classifier.weight.detach())
    with pytest.raises(checkpoints.CheckpointError, match="no unique member"):
        checkpoints.member_weights(checkpoints.epoch_path(tmp_path / "out", 2), spec, run=0)  # slope not named


def test_trailing_accuracy_uses_the_last_logged_values():
    rows = [{"run": 0, "step": s, "train_accuracy": s / 10, "diverged": False} for s in range(1, 11)]
    rows += [{"run": 1, "step": 1, "train_accuracy": 0.5, "diverged": False},
             {"run": 1, "step": 2, "train_accuracy": math.nan, "diverged": True}]
    out = rr_tables.trailing_accuracy(pd.DataFrame(rows), ["run"], n_last=4).set_index("run")
    assert out.loc[0, "train_accuracy"] == pytest.approx((0.7 + 0.8 + 0.9 + 1.0) / 4)
    assert out.loc[1, "diverged"] and math.isnan(out.loc[1, "train_accuracy"])

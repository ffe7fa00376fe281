"""Input-space paths: pivot insertion, the spring-free NEB direction, path statistics, adversarials."""

import pytest
import torch
from torch import nn

from netspectra.papers.sb.input_paths import (
    dense_path,
    insert_pivots,
    linear_path,
    neb_paths,
    neb_step_direction,
    path_statistics,
    targeted_adversarial,
)


class LinearClassifier(nn.Module):
    """logit_c(x) = w_c · x: its decision boundaries are hyperplanes, so crossing is easy to predict."""

    def __init__(self, weight):
        super().__init__()
        self.weight = nn.Parameter(weight, requires_grad=False)

    def forward(self, x):
        return x.flatten(1) @ self.weight.T


@pytest.fixture
def model():
    w = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    return LinearClassifier(w)


def images(*rows):
    return torch.tensor(rows, dtype=torch.float32).view(len(rows), 1, 2, 2)


def test_straight_path_has_length_ratio_one_and_known_crossings(model):
    start = images([2.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0])
    end = images([2.0, 1.0, 3.0, 0.0], [0.0, 2.0, 0.0, 0.0])  # second end belongs to class 1
    targets = torch.tensor([0, 0])
    stats = path_statistics(model, linear_path(start, end, 5), targets, n_per_segment=4)
    torch.testing.assert_close(stats["length_ratio"], torch.ones(2))
    assert stats["crosses"].tolist() == [False, True]
    assert stats["min_probability"][1] < 0.5 < stats["min_probability"][0]


def test_dense_path_interpolates_pivots(model):
    pivots = linear_path(images([0.0, 0, 0, 0]), images([4.0, 0, 0, 0]), 3)
    dense = dense_path(pivots, 4)
    assert dense.shape[1] == 2 * 4 + 1
    torch.testing.assert_close(dense[0, :, 0, 0, 0], torch.arange(9) / 2.0)


def test_insert_pivots_adds_the_midpoint_of_the_worst_segment(model):
    # logit_0 = x[0]: the middle pivot dips, so the worst segment is the one with the lowest midpoint
    pivots = torch.stack([images([3.0, 0, 0, 0]), images([-1.0, 0, 0, 0]), images([1.0, 0, 0, 0])], dim=1)
    new = insert_pivots(model, pivots, torch.tensor([0]))
    assert new.shape[1] == 4
    assert new[0, :, 0, 0, 0].tolist() == [3.0, -1.0, 0.0, 1.0]  # midpoints 1 and 0: the second is worse


def test_neb_direction_is_perpendicular_to_the_path_and_zero_at_endpoints(model):
    start, end = images([1.0, 1.0, 0.0, 0.0]), images([1.0, -1.0, 2.0, 0.0])
    pivots = linear_path(start, end, 4) + 0.1 * torch.randn(1, 4, 1, 2, 2, generator=torch.Generator().manual_seed(0))
    d = neb_step_direction(model, pivots, torch.tensor([0]))
    assert d[:, 0].abs().max() == 0 and d[:, -1].abs().max() == 0
    tangent = (pivots[:, 2:] - pivots[:, :-2]).flatten(2)
    assert (d[:, 1:-1].flatten(2) * tangent).sum(-1).abs().max() < 1e-5


def test_neb_bends_a_crossing_path_around_the_boundary():
    # class 0 wins where x0 > x1; the straight path between the endpoints dips into class 1 in the middle
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 2))
    start, end = torch.randn(8, 1, 2, 2), torch.randn(8, 1, 2, 2)
    targets = model(start).argmax(1)
    before = path_statistics(model, linear_path(start, end, 2), targets, 40)
    pivots = neb_paths(model, start, end, targets, n_initial_pivots=3, n_iterations=3, n_steps=20,
                       learning_rate=0.05, momentum=0.9)
    assert pivots.shape == (8, 6, 1, 2, 2)
    torch.testing.assert_close(pivots[:, 0], start)
    torch.testing.assert_close(pivots[:, -1], end)
    after = path_statistics(model, pivots, targets, 8)
    # optimising the target logit never lowers the weakest point of a path much
    assert after["min_probability"].mean() >= before["min_probability"].mean() - 0.05
    assert (after["length_ratio"] >= 1 - 1e-6).all()


def test_targeted_adversarial_reaches_confidence(model):
    x = images([2.0, 0.0, 0.0, 0.0], [3.0, -1.0, 0.0, 0.0])
    adv, ok = targeted_adversarial(model, x, torch.tensor([1, 1]), n_steps=200, step_size=0.05, confidence=0.9,
                                   lower=-5.0, upper=5.0)
    assert ok.all()
    assert (model(adv).softmax(1)[:, 1] >= 0.9).all()

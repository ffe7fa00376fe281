"""K-nearest-neighbour classifiers on the Exp. 3 task (On the Spectral Bias of Neural Networks, sb-fig10):
their accuracy over (K, k, L) and their probability maps on the DNN's input grid (scikit-learn)."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import pandas as pd
import torch

from .manifolds import flower, sample_grid


def knn_accuracy_grid(frequencies: Sequence[int], n_petals: Sequence[int], n_points: int,
                      neighbours: Sequence[int], seed: int) -> pd.DataFrame:
    """K-nearest-neighbour classifiers (scikit-learn) on the Exp. 3 task for every (K, k, L).

    Each (k, L) has one random phase. Accuracy on the training points (``train``: the point itself is
    among its neighbours, so K = 1 scores 1) and on the N midpoints z_j + 1/(2N) between them (``heldout``).
    Returns rows (neighbours, k, n_petals, evaluation, accuracy).
    """
    from sklearn.neighbors import KNeighborsClassifier

    z = sample_grid(n_points, dtype=torch.float64)
    mid = z + 0.5 / n_points
    g = torch.Generator().manual_seed(seed)
    rows = []
    for k in frequencies:
        for L in n_petals:
            phase = 2 * math.pi * torch.rand((), generator=g, dtype=torch.float64)
            x_train, x_mid = flower(z, float(L)).numpy(), flower(mid, float(L)).numpy()
            y_train = (torch.sin(2 * math.pi * k * z + phase) > 0).numpy()
            y_mid = (torch.sin(2 * math.pi * k * mid + phase) > 0).numpy()
            for K in neighbours:
                knn = KNeighborsClassifier(n_neighbors=min(K, n_points)).fit(x_train, y_train)
                rows.append((K, k, L, "train", knn.score(x_train, y_train)))
                rows.append((K, k, L, "heldout", knn.score(x_mid, y_mid)))
    return pd.DataFrame(rows, columns=["neighbours", "k", "n_petals", "evaluation", "accuracy"])


def knn_probability_map(x_train: np.ndarray, labels: np.ndarray, neighbours: int, coords: np.ndarray) -> np.ndarray:
    """P(class 1) of a K-NN classifier on the square grid ``coords`` × ``coords``: shape (n, n), rows = y."""
    from sklearn.neighbors import KNeighborsClassifier

    gx, gy = np.meshgrid(coords, coords, indexing="xy")
    knn = KNeighborsClassifier(n_neighbors=neighbours).fit(x_train, labels.astype(int))
    proba = knn.predict_proba(np.stack([gx.ravel(), gy.ravel()], axis=1))
    return proba[:, list(knn.classes_).index(1)].reshape(len(coords), len(coords))

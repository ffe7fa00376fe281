"""The image batch a weight-space job evaluates its paths on, and the model spec that fits it.

Same choice as the ``sample_paths`` rule: the first ``batch_size`` images of a permutation seeded by the
job's seed, so every job with the same seed and dataset sees the same images.
"""

from __future__ import annotations

from typing import Any

import torch

from netspectra import datasets


def first_batch(dataset: str, data_dir: str | None, split: str, batch_size: int, seed: int,
                device: torch.device, input_size: int | None = None,
                stand_in: str = "sample_patches", *,
                verify_checksums: bool = True) -> tuple[torch.Tensor, torch.Tensor, int, str]:
    """Images ``(batch_size, C, H, W)``, labels ``(batch_size,)``, number of classes and the data source.

    ``input_size``: side the images are resized to (None = the dataset's own); ``stand_in``: the shipped
    data that replaces ``dataset`` without ``data_dir`` (``netspectra.datasets.load_images``);
    ``verify_checksums``: check the dataset files' MD5s first (off only for generated stand-in files).
    """
    data = datasets.load_images(dataset, data_dir, split, input_size, stand_in=stand_in,
                                verify_checksums=verify_checksums)
    order = torch.randperm(len(data.y), generator=torch.Generator().manual_seed(seed))[:batch_size]
    return data.x[order].to(device), data.y[order].to(device), data.n_classes, data.source


def fitted_spec(model: dict[str, Any], x: torch.Tensor, n_classes: int) -> dict[str, Any]:
    """``model`` with the input channels, classes and (Toy-CNN) image size of the batch ``x``."""
    spec = dict(model, in_channels=x.shape[1], n_classes=n_classes)
    if spec["arch"] == "toycnn":
        spec["image_size"] = x.shape[-1]
    return spec

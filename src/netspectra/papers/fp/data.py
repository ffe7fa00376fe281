"""Data of the F-Principle experiments: a grey image as a function of pixel position, and flat
MNIST-style vectors.

The image experiment (Xu, Sec. 5.1) fits the map (x, y) -> grey value. The grey values are centred on
their mean and divided by their largest absolute value (as the paper does), so they lie in [-1, 1];
pixel coordinates are scaled to [-1, 1] on both axes. Training pixels are those whose column (horizontal)
index is odd; the others are the test pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from netspectra.datasets import load_images

# Photographs shipped inside scikit-image (no download); rgb ones are converted to grey.
SAMPLE_IMAGES = ("camera", "astronaut", "coffee", "chelsea", "moon", "text", "page", "coins", "grass",
                 "brick", "gravel", "rocket", "immunohistochemistry")


def read_grey_image(sample_image: str | None = None, image_file: str | Path | None = None) -> tuple[np.ndarray, str]:
    """A grey image (H, W) float64 in [0, 1] and a description of its source.

    ``image_file`` (any format scikit-image reads) wins over ``sample_image`` (a name in SAMPLE_IMAGES).
    """
    from skimage import color, data, io
    from skimage.util import img_as_float

    if image_file is not None:
        path = Path(image_file)
        if not path.exists():
            raise FileNotFoundError(f"image_file {path} does not exist")
        image, source = io.imread(path), f"image file {path}"
    elif sample_image in SAMPLE_IMAGES:
        image, source = getattr(data, sample_image)(), f"scikit-image sample '{sample_image}'"
    else:
        raise ValueError(f"unknown sample_image {sample_image!r}; valid: {', '.join(SAMPLE_IMAGES)}")
    image = img_as_float(image)
    if image.ndim == 3:
        image = color.rgb2gray(image[..., :3])
    return image.astype(np.float64), source


def square_resize(image: np.ndarray, size: int) -> np.ndarray:
    """Centre square crop of ``image`` (H, W), resized with anti-aliasing to (size, size)."""
    from skimage.transform import resize

    h, w = image.shape
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    crop = image[top:top + side, left:left + side]
    return resize(crop, (size, size), anti_aliasing=side > size, preserve_range=True)


def normalise_grey(image: np.ndarray) -> np.ndarray:
    """(image − mean) / max|image − mean|, the paper's normalisation; values in [-1, 1]."""
    centred = image - image.mean()
    peak = np.abs(centred).max()
    if peak == 0:
        raise ValueError("a constant image has nothing to fit")
    return centred / peak


def odd_column_mask(height: int, width: int) -> np.ndarray:
    """(H, W) bool, True at the training pixels: those with an odd column index."""
    mask = np.zeros((height, width), dtype=bool)
    mask[:, 1::2] = True
    return mask


def flat_images(dataset: str, data_dir: str | None, split: str, *,
                verify_checksums: bool = True) -> tuple[torch.Tensor, torch.Tensor, str]:
    """Images of ``split`` as flat vectors (N, C*H*W) float32, labels (N,) int64, and the data's source.

    ``dataset`` 'digits' (scikit-learn, 8×8, no data_dir needed) or 'mnist' (IDX files in ``data_dir``);
    see :func:`netspectra.datasets.load_images`.
    """
    data = load_images(dataset, data_dir, split, verify_checksums=verify_checksums)
    return data.x.flatten(1), data.y, data.source

"""Images for coordinate-based regression (Fourier Features Fig. 1): loading, the train/test pixel split, PSNR.

Sources, none of which downloads anything:
- ``skimage``: images shipped inside scikit-image (``skimage.data.<name>()``); :data:`SKIMAGE_IMAGES` lists
  those whose file is part of the package (checked with :func:`skimage_available`).
- ``file``: any image file skimage can read (path absolute or relative to ``data_dir``).
- ``npz``: the authors' format, an ``.npz`` with ``train_data`` / ``test_data`` arrays of shape
  (n_images, H, W, 3) (uint8 or floats in [0, 1]); ``index`` picks one image of ``split``.

Every image is returned as float32 RGB (H, W, 3) in [0, 1] (grey images are repeated over channels),
centre-cropped to a square and resized to ``size`` (or, with ``resize: false``, cropped to ``size``² at
native resolution). Pixel (i, j) sits at coordinate (i/size, j/size)
(:func:`netspectra.grids.pixel_coordinates`); the network trains on the pixels [::2, ::2] and is tested on
the held-out [1::2, 1::2] ones.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

SOURCES = ("skimage", "file", "npz")
# Images stored inside the scikit-image package (no pooch download): photographs and the text image.
SKIMAGE_IMAGES = ("astronaut", "camera", "chelsea", "coffee", "rocket", "text", "brick", "grass", "gravel")


def skimage_available(name: str) -> bool:
    """Whether ``skimage.data.<name>`` loads from a file inside the installed package (offline)."""
    import skimage.data

    if name not in SKIMAGE_IMAGES or not hasattr(skimage.data, name):
        return False
    folder = Path(skimage.data.__file__).parent
    return any(folder.glob(f"{name}.*"))


def _to_rgb_float(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if np.issubdtype(image.dtype, np.integer):
        image = image.astype(np.float64) / np.iinfo(image.dtype).max
    else:
        image = image.astype(np.float64)
        if image.max() > 1.0:
            image = image / 255.0
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    if image.shape[2] == 4:
        image = image[..., :3]
    return np.clip(image, 0.0, 1.0)


def centre_square(image: np.ndarray, size: int) -> np.ndarray:
    """Centre crop to a square, then resize (with anti-aliasing) to ``size`` × ``size``."""
    from skimage.transform import resize

    h, w = image.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    crop = image[top:top + side, left:left + side]
    if side == size:
        return crop
    return resize(crop, (size, size), order=3, anti_aliasing=side > size, mode="reflect")


def native_crop(image: np.ndarray, size: int) -> np.ndarray:
    """The centre ``size`` × ``size`` crop at the image's own resolution (no resampling: thin strokes survive)."""
    h, w = image.shape[:2]
    if min(h, w) < size:
        raise ValueError(f"a native-resolution crop of {size}² needs an image of at least that size, got {h}×{w}")
    top, left = (h - size) // 2, (w - size) // 2
    return image[top:top + size, left:left + size]


def load_image(spec: dict, size: int, data_dir: str | Path | None = None) -> np.ndarray:
    """One image as float32 (size, size, 3) in [0, 1] from a spec ``{source, name | path, index, split, resize}``.

    ``resize`` (default true): the centre square resized to ``size``; false: the centre ``size``² crop at native
    resolution (resizing a text image to 64² blurs its strokes away; the paper's text images are native 512²).
    """
    source = spec.get("source", "skimage")
    if source == "skimage":
        name = spec["name"]
        if not skimage_available(name):
            raise FileNotFoundError(f"scikit-image sample {name!r} is not shipped inside the installed package; "
                                    f"offline ones: {', '.join(n for n in SKIMAGE_IMAGES if skimage_available(n))}")
        import skimage.data

        raw = getattr(skimage.data, name)()
    elif source in ("file", "npz"):
        path = Path(spec["path"])
        if not path.is_absolute() and data_dir is not None:
            path = Path(data_dir) / path
        if not path.exists():
            raise FileNotFoundError(f"image source {source!r}: expected file at {path}")
        if source == "file":
            from skimage.io import imread

            raw = imread(path)
        else:
            with np.load(path) as data:
                key = f"{spec.get('split', 'test')}_data"
                if key not in data:
                    raise KeyError(f"{path} has no array {key!r}; arrays: {list(data.keys())}")
                raw = data[key][int(spec.get("index", 0))]
    else:
        raise ValueError(f"unknown image source {source!r}; valid names: {', '.join(SOURCES)}")
    image = _to_rgb_float(raw)
    image = centre_square(image, size) if spec.get("resize", True) else native_crop(image, size)
    return np.clip(image, 0.0, 1.0).astype(np.float32)


def split_pixels(image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Training pixels [::2, ::2] and held-out test pixels [1::2, 1::2] of an (H, W, C) array, each flattened
    to (n, C)."""
    c = image.shape[-1]
    return image[::2, ::2].reshape(-1, c), image[1::2, 1::2].reshape(-1, c)


def psnr(mse: torch.Tensor | float) -> torch.Tensor:
    """Peak signal-to-noise ratio in dB of a mean squared error on [0, 1] intensities: −10 log10(MSE)."""
    return -10.0 * torch.log10(torch.as_tensor(mse, dtype=torch.float64))

"""Device selection: ``auto`` is CUDA when present, CPU otherwise; nothing assumes a GPU."""

from __future__ import annotations

import torch


def resolve(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"device {name!r} requested but CUDA is not available; use 'auto' or 'cpu'")
    return device

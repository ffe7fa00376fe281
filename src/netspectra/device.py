"""Device selection: ``auto`` is CUDA when present, CPU otherwise; nothing assumes a GPU."""

from __future__ import annotations

import ctypes
import functools

import torch

RETAINED_BYTES = 1 << 30  # freed heap memory glibc keeps for reuse (and blocks below this size come from the heap)


def resolve(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"device {name!r} requested but CUDA is not available; use 'auto' or 'cpu'")
    return device


@functools.cache
def keep_freed_memory() -> bool:
    """Let glibc's malloc keep freed memory for reuse instead of handing it back to the system at once.

    A freed CPU tensor of megabytes (one layer's activations for a chunk of points) is otherwise unmapped or
    trimmed, and the next layer's output is faulted back in page by page: on Toy-CNN 50 at chunk 32 that was
    1.9 million page faults and about a quarter of the path engine's time (bench/paths.py). Sets
    ``M_MMAP_THRESHOLD`` and ``M_TRIM_THRESHOLD`` to :data:`RETAINED_BYTES` for the whole process, once.
    Returns False where the C library has no ``mallopt`` (not glibc); nothing changes then.
    """
    try:
        mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    except (OSError, TypeError):  # no C library to load by that name (Windows)
        return False
    if mallopt is None:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's <malloc.h>
    return bool(mallopt(m_mmap_threshold, RETAINED_BYTES)) and bool(mallopt(m_trim_threshold, RETAINED_BYTES))

"""Shared look of every figure and the one way figures are saved (PNG and PDF)."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

plt.style.use(Path(__file__).with_name("netspectra.mplstyle"))

PALETTE = "viridis"


def save(fig: plt.Figure, png: str | os.PathLike, pdf: str | os.PathLike | None = None) -> None:
    """Save ``fig`` as PNG (150 dpi) and PDF next to it (or at ``pdf``), cropped to what it draws, then close it."""
    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    # bbox_inches="tight" lays out every text again per file (~1/4 of a figure job's drawing): both files are
    # cropped to one box, measured at the PNG's resolution (text extents depend on it)
    fig.set_dpi(150)
    bbox = fig.get_tightbbox().padded(plt.rcParams["savefig.pad_inches"])
    fig.savefig(png, dpi=150, bbox_inches=bbox)
    fig.savefig(pdf if pdf is not None else png.with_suffix(".pdf"), bbox_inches=bbox)
    plt.close(fig)


def layer_colors(n: int):
    """``n`` colours from shallow (blue) to deep (red), as the papers colour layers."""
    return plt.get_cmap("coolwarm")([i / max(n - 1, 1) for i in range(n)])

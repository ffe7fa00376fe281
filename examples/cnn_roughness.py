"""Roughness per layer of your own CNN: h of weight-space paths, per layer and for the loss, with a plot.

A plain ``nn.Sequential`` CNN on scikit-learn's 8×8 digits. ``netspectra.roughness`` moves all weights along
random unit directions (radius 1, 100 points per path) and fits the fractal coefficient h of every layer's
outputs (smaller h = rougher) and of the cross-entropy loss along the same paths; the caller's model is left
untouched.

    python examples/cnn_roughness.py [OUTPUT_DIR]     # writes cnn_roughness.png
"""

import sys
from pathlib import Path

import torch
from sklearn.datasets import load_digits
from torch import nn

import netspectra

out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
torch.manual_seed(0)

digits = load_digits()
x = torch.tensor(digits.images[:16], dtype=torch.float32).unsqueeze(1) / 16  # (16, 1, 8, 8), pixels in [0, 1]
y = torch.tensor(digits.target[:16])

blocks = [nn.Sequential(nn.Conv2d(1 if i == 0 else 16, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU())
          for i in range(6)]
model = nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))

table = netspectra.roughness(model, x, loss=y)  # layers: the children with parameters (blocks 0–5, the linear 8)
print(table[["layer_name", "h", "h_std", "r2", "floor_h", "n_paths"]].to_string(index=False))
fig = netspectra.plot_roughness(table, title="h per layer of a 6-block CNN on digits (at initialisation)")
fig.savefig(out_dir / "cnn_roughness.png", dpi=150, bbox_inches="tight")

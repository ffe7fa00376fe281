"""Spectral bias of your own MLP: record its spectrum while it learns a 1-D target, draw it as a heat map.

A ReLU MLP fits a sum of sines of equal amplitude at k = 2, 4, 6, 8 cycles on [0, 1) (as Rahaman et al.
2019, Fig. 1, at a smaller size). :class:`netspectra.SpectrumRecorder` reads the network's spectrum on the
training points every 25 steps of a plain PyTorch loop; the heat map shows the low frequencies learnt first.

    python examples/mlp_spectral_bias.py [OUTPUT_DIR]     # writes mlp_spectrum.parquet and mlp_spectrum.png
"""

import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

import netspectra

out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
torch.manual_seed(0)

x = netspectra.line(128)  # (128, 1) inputs z = n/128 on [0, 1)
frequencies = [2, 4, 6, 8]
y = sum(torch.sin(2 * torch.pi * k * x + phase) for k, phase in zip(frequencies, torch.rand(4) * 6.28))

model = nn.Sequential(nn.Linear(1, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                      nn.Linear(128, 1))
optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
recorder = netspectra.SpectrumRecorder(x, target=y, every=25)  # frequencies: the target's own (2, 4, 6, 8)

for step in range(1001):
    loss = F.mse_loss(model(x), y)
    recorder(model, step, loss)  # the function before this step's update, every 25 steps
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()

table = recorder.table  # run, replicate, step, k, amplitude, normalised_amplitude, loss, target_amplitude
recorder.write(out_dir / "mlp_spectrum.parquet", config={"width": 128, "depth": 3, "learning_rate": 3e-3})
fig = netspectra.plot_spectrum(table, title="$|\\tilde f(k)|/A_k$ of a 3×128 ReLU MLP over training")
fig.savefig(out_dir / "mlp_spectrum.png", dpi=150, bbox_inches="tight")
first = table[table.normalised_amplitude >= 0.5].groupby("k").step.min()
print("first step at which |f̃(k)|/A_k ≥ 0.5:", first.to_dict())

"""Rule fp_train_curve: fit a 1-d target on an even grid (fp-fig6 flipped ramp, fp-fig7 wide network);
Δ_F at the followed frequencies, spectra, losses, outputs and the spectral norm of every weight matrix."""

import torch

from netspectra import checkpoints, device, io
from netspectra.papers.fp import experiments

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821 (injected by Snakemake)
torch.set_num_threads(snakemake.threads)  # noqa: F821
tables = experiments.run_curve(job, delta_kind=job["delta_kind"], device=device.resolve(job["device"]),
                               seed=job["seed"], checkpoint=checkpoints.for_job(snakemake.params.state, job))  # noqa: F821
for name, table in tables.items():
    io.write_table(table, snakemake.output[name], schema=f"fp_{name}", rule="fp_train_curve", config=job,  # noqa: F821
                   seed=job["seed"])

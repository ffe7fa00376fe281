"""Rule fp_train_image: fit a grey image from pixel coordinates on its odd columns (fp-fig2/4, fp-fig5);
Δ_F at the peaks of one row, the row's spectra, train/test loss and output snapshots over training."""

import torch

from netspectra import checkpoints, device, io
from netspectra.papers.fp import experiments

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821 (injected by Snakemake)
torch.set_num_threads(snakemake.threads)  # noqa: F821
tables = experiments.run_image(job, delta_kind=job["delta_kind"], device=device.resolve(job["device"]),
                               seed=job["seed"], checkpoint=checkpoints.for_job(snakemake.params.state, job))  # noqa: F821
job["data_source"] = tables["losses"]["data_source"].iloc[0]
for name, table in tables.items():
    io.write_table(table, snakemake.output[name], schema=f"fp_{name}", rule="fp_train_image", config=job,  # noqa: F821
                   seed=job["seed"])

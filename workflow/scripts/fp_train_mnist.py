"""Rule fp_train_mnist: the init-std members of fp-fig1 or fp-fig3 trained as one batched model on
digits/MNIST; per epoch the parameter magnitudes and the train/test accuracy and loss of every member."""

import torch

from netspectra import checkpoints, device, io
from netspectra.papers.fp import experiments

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821 (injected by Snakemake)
torch.set_num_threads(snakemake.threads)  # noqa: F821
history = experiments.run_mnist(job, job["stds"], data_dir=job["data_dir"], device=device.resolve(job["device"]),
                                seed=job["seed"], checkpoint=checkpoints.for_job(snakemake.params.state, job))  # noqa: F821
job["data_source"] = history["data_source"].iloc[0]
io.write_table(history, snakemake.output[0], schema="fp_mnist", rule="fp_train_mnist", config=job,  # noqa: F821
               seed=job["seed"])

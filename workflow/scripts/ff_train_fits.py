"""Rule ff_train_fits: SGD fits of a 1/f signal through the p family, with NTK theory (ff-fig3 data)."""

import torch

from netspectra import checkpoints, device, io
from netspectra.papers.ff import experiments

io.log_output(snakemake.log)  # noqa: F821

cfg, data, seed = snakemake.params.cfg, snakemake.params.data, snakemake.params.seed  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
tables = experiments.kernel_regression_fits(cfg, seed=seed, device=device.resolve(data["device"]),
                                            checkpoint=checkpoints.for_job(snakemake.params.state,  # noqa: F821
                                                                           {"cfg": cfg, "seed": seed}))
for name in ("curves", "residuals", "functions"):
    io.write_table(tables[name], snakemake.output[name], schema=f"ff_fit_{name}",  # noqa: F821
                   rule="ff_train_fits", config=cfg | {"data": data}, seed=seed)

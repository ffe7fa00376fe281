"""Rule ff_train_sparse: sparse random frequencies per generator and scale vs dense features (ff-fig4 data)."""

import torch

from netspectra import checkpoints, device, io
from netspectra.papers.ff import experiments

io.log_output(snakemake.log)  # noqa: F821

cfg, data, seed = snakemake.params.cfg, snakemake.params.data, snakemake.params.seed  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
table = experiments.sparse_frequency_sweep(cfg, seed=seed, device=device.resolve(data["device"]),
                                           checkpoint=checkpoints.for_job(snakemake.params.state,  # noqa: F821
                                                                          {"cfg": cfg, "seed": seed}))
io.write_table(table, snakemake.output.sweep, schema="ff_sparse_sweep",  # noqa: F821
               rule="ff_train_sparse", config=cfg | {"data": data}, seed=seed)

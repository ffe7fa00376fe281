"""Rule sample_paths: paths of a shard of an experiment's variants, for every initialisation and direction.

Logs its progress (directions of every (variant, init) unit, with the time left) and keeps every finished
(variant, init) unit in its state folder (params.state), so a killed job's rerun samples only the rest
(netspectra.papers.rr.shards)."""

import torch

from netspectra import device, io
from netspectra.papers.rr.shards import sample_shard

io.log_output(snakemake.log)  # noqa: F821

jobs = snakemake.params.job["variants"]  # noqa: F821 (injected by Snakemake)
torch.set_num_threads(snakemake.threads)  # noqa: F821
first = jobs[0]  # data, device and seed are the experiment's, shared by its variants
table, source = sample_shard(jobs, list(snakemake.input.trained_weights), device=device.resolve(first["device"]),  # noqa: F821
                             state_dir=snakemake.params.state["state_dir"],  # noqa: F821
                             what=f"sample_paths {first['experiment']}/{snakemake.wildcards.shard}")  # noqa: F821
io.write_table(table, snakemake.output[0], schema="paths", rule="sample_paths",  # noqa: F821
               config={"variants": jobs, "data_source": source}, seed=first["seed"])

"""Rule ff_ntk: analytic and empirical NTKs of the raw, basic and a_j = j^-p mappings (ff-fig2 data)."""

import torch

from netspectra import device, io
from netspectra.papers.ff import experiments

io.log_output(snakemake.log)  # noqa: F821

cfg, data, seed = snakemake.params.cfg, snakemake.params.data, snakemake.params.seed  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
tables = experiments.ntk_kernels(cfg, seed=seed, device=device.resolve(data["device"]))
for name in ("kernels", "spectra"):
    io.write_table(tables[name], snakemake.output[name], schema=f"ff_ntk_{name}",  # noqa: F821
                   rule="ff_ntk", config=cfg | {"data": data}, seed=seed)

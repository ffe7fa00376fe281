"""Rule sample_paths: paths of a shard of an experiment's variants, for every initialisation and direction."""

import pandas as pd
import torch

from netspectra import checkpoints, datasets, device, io
from netspectra.models import build_model
from netspectra.sampling import sample_model_paths
from netspectra.seeds import seed_for

io.log_output(snakemake.log)  # noqa: F821

jobs = snakemake.params.job["variants"]  # noqa: F821 (injected by Snakemake)
torch.set_num_threads(snakemake.threads)  # noqa: F821
first = jobs[0]  # data, device and seed are the experiment's, shared by its variants
dev = device.resolve(first["device"])
data = datasets.load_images(first["dataset"], first["data_dir"], first["split"], first.get("input_size"),
                            stand_in=first["stand_in"])


def variant_table(job, trained_weights):
    # The same images for every variant and init: the first batch_size of a seeded permutation.
    order = torch.randperm(len(data.y), generator=torch.Generator().manual_seed(job["seed"]))[: job["batch_size"]]
    x, y = data.x[order].to(dev), data.y[order].to(dev)
    spec = dict(job["model"], in_channels=x.shape[1], n_classes=data.n_classes)
    if spec["arch"] == "toycnn":
        spec["image_size"] = x.shape[-1]
    tables = []
    for init in range(job["n_inits"]):
        model = build_model(spec, seed=seed_for(job["seed"], init)).to(dev)
        if trained_weights:  # rr_train checkpoints, read with torch.load(weights_only=True): init i = run i
            weights = checkpoints.epoch_path(trained_weights, job["checkpoint"]["epoch"])
            model.load_state_dict(checkpoints.member_weights(weights, job["model"], run=init))
        table = sample_model_paths(
            model, x, y, direction=job["direction"], n_directions=job["n_directions"], n_points=job["n_points"],
            # radius_relative (a fraction of the weights' norm) replaces the absolute radius where it is set
            radius=None if job["radius_relative"] else job["radius"], radius_relative=job["radius_relative"],
            layers=job["layers"], max_paths_per_layer=job["max_paths_per_layer"],
            batchnorm=job["batchnorm"], chunk=job["chunk"], seed=seed_for(job["seed"], init, 7),
        )
        table.insert(0, "init", init)
        tables.append(table)
    table = pd.concat(tables, ignore_index=True)
    table.insert(0, "variant", job["variant"])
    table.insert(0, "experiment", job["experiment"])
    # The model's options and the grid's values as columns, so every table describes itself.
    for key, value in (job["model"] | job["grid_values"]).items():
        table["init_scheme" if key == "init" else key] = str(value) if isinstance(value, list) else value
    return table


weights = list(snakemake.input.trained_weights) or [None] * len(jobs)  # noqa: F821
table = pd.concat([variant_table(job, w) for job, w in zip(jobs, weights)], ignore_index=True)
io.write_table(table, snakemake.output[0], schema="paths", rule="sample_paths",  # noqa: F821
               config={"variants": jobs, "data_source": data.source}, seed=first["seed"])

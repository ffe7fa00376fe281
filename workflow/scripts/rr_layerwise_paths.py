"""Rule rr_layerwise_paths (rr-fig15): last-layer paths when one layer moves at a time, and their mean
(path-normalised) power spectrum per varied layer, by both estimators (power, power_detrended)."""

import numpy as np
import pandas as pd
import torch

from netspectra import device, io, spectra
from netspectra.models import build_model
from netspectra.papers.rr import image_batch
from netspectra.papers.rr.experiments import layerwise_paths, varied_layers
from netspectra.progress import Progress
from netspectra.seeds import seed_for

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821 (injected by Snakemake)
out = snakemake.output  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
dev = device.resolve(job["device"])
x, _, n_classes, source = image_batch.first_batch(job["dataset"], job["data_dir"], job["split"], job["batch_size"],
                                                  job["seed"], dev, job["input_size"], job["stand_in"],
                                                  verify_checksums=job["verify_checksums"])
model = build_model(image_batch.fitted_spec(job["model"], x, n_classes), seed=seed_for(job["seed"], 0)).to(dev)
n_units = job["n_directions"] * len(varied_layers(model, job["varied_layers"]))
with Progress(n_units, "rr_layerwise_paths rr-fig15 (direction, varied layer)", unit="path") as progress:
    paths = layerwise_paths(model, x, layers=job["varied_layers"], record=job["record"],
                            n_directions=job["n_directions"], n_points=job["n_points"], radius=job["radius"],
                            max_paths_per_layer=job["max_paths_per_layer"], batchnorm=job["batchnorm"],
                            chunk=job["chunk"], seed=seed_for(job["seed"], 0, 7), progress=progress)
paths.insert(0, "init", 0)
paths.insert(0, "variant", "base")
paths.insert(0, "experiment", job["experiment"])
for key, value in job["model"].items():
    paths["init_scheme" if key == "init" else key] = value

group = ["experiment", "variant", "init", "direction", "layer", "layer_name", "varied_layer", "varied_layer_name"]
rows = []
for key, g in paths.groupby(group, sort=True):
    mean, detrended, used = spectra.estimator_powers(np.stack(g["values"].to_numpy()), **job["spectra"])
    rows.append(pd.DataFrame(dict(zip(group, key)) | {"k": spectra.frequencies(2 * len(mean)), "power": mean,
                                                      "power_detrended": detrended, "n_paths": used}))
job["data_source"] = source
io.write_table(paths, out.paths, schema="paths", rule="rr_layerwise_paths", config=job, seed=job["seed"])
io.write_table(pd.concat(rows, ignore_index=True), out.spectra, schema="spectra", rule="rr_layerwise_paths",
               config=job, seed=job["seed"])

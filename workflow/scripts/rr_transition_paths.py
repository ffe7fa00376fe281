"""Rule rr_transition_paths (rr-fig1): the loss path (and last-layer paths) of one network over a grid of
LeakyReLU slope × shortcut weight ν, with the power-law fit of every path's spectrum by both estimators."""

import numpy as np
import torch

from netspectra import device, io, powerlaw, spectra
from netspectra.papers.rr import image_batch
from netspectra.papers.rr.experiments import transition_paths
from netspectra.progress import Progress

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821 (injected by Snakemake)
torch.set_num_threads(snakemake.threads)  # noqa: F821
dev = device.resolve(job["device"])
x, y, n_classes, source = image_batch.first_batch(job["dataset"], job["data_dir"], job["split"], job["batch_size"],
                                                  job["seed"], dev, job["input_size"], job["stand_in"],
                                                  verify_checksums=job["verify_checksums"])
spec = image_batch.fitted_spec(job["model"], x, n_classes)
n_units = len(job["slopes"]) * len(job["nus"]) * job["n_directions"]
with Progress(n_units, "rr_transition_paths rr-fig1 (slope, nu, direction)", unit="path") as progress:
    table = transition_paths(spec, {"slope": job["slopes"], "nu": job["nus"]}, x, y, n_points=job["n_points"],
                             radius=job["radius"], layers=job["layers"], n_paths=job["n_paths"],
                             n_directions=job["n_directions"], batchnorm=job["batchnorm"], chunk=job["chunk"],
                             seed=job["seed"], progress=progress)
k = spectra.frequencies(job["n_points"])
k_min, k_max = job["fit"]["k_min"], job["fit"]["k_max"] or powerlaw.default_k_max(job["n_points"])
values = np.stack(table["values"].to_numpy())
power = spectra.magnitude_spectrum(values) ** 2
detrended = spectra.magnitude_spectrum(values, **spectra.ESTIMATORS["detrended"]) ** 2
table = table.assign(**powerlaw.fit_estimators(k, power, detrended, k_min, k_max), k_min=k_min, k_max=k_max)
table.insert(0, "experiment", job["experiment"])
for key, value in job["model"].items():
    if key not in table:
        table["init_scheme" if key == "init" else key] = value
job["data_source"] = source
io.write_table(table, snakemake.output[0], schema="transition_paths", rule="rr_transition_paths",  # noqa: F821
               config=job, seed=job["seed"])

"""Rule rr_branch_correlation (rr-fig6): band-filtered correlation of the skip and residual summands of
every residual block, for one activation."""

import torch

from netspectra import device, io
from netspectra.models import build_model
from netspectra.papers.rr import bands, branch_correlation, image_batch
from netspectra.progress import Progress
from netspectra.seeds import seed_for

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821 (injected by Snakemake)
torch.set_num_threads(snakemake.threads)  # noqa: F821
dev = device.resolve(job["device"])
x, _, n_classes, source = image_batch.first_batch(job["dataset"], job["data_dir"], job["split"], job["batch_size"],
                                                  job["seed"], dev, job["input_size"], job["stand_in"],
                                                  verify_checksums=job["verify_checksums"])
model_options = dict(job["model"], activation=job["activation"])
model = build_model(image_batch.fitted_spec(model_options, x, n_classes), seed=seed_for(job["seed"], 0)).to(dev)
filters = bands.gaussian_bands(job["n_points"], job["n_bins"], job["band_width"])
with Progress(job["n_directions"], f"rr_branch_correlation {job['activation']}", unit="direction") as progress:
    table = branch_correlation.branch_correlation(
        model, x, n_directions=job["n_directions"], n_points=job["n_points"], radius=job["radius"],
        output_fraction=job["output_fraction"], filters=filters, batchnorm=job["batchnorm"], chunk=job["chunk"],
        detrend=job["detrend"], window=job["window"], seed=seed_for(job["seed"], 0, 7), progress=progress,
    )
table.insert(0, "activation", job["activation"])
table.insert(0, "experiment", job["experiment"])
for key, value in model_options.items():
    if key not in table:
        table["init_scheme" if key == "init" else key] = value
job["data_source"] = source
io.write_table(table, snakemake.output[0], schema="branch_correlation", rule="rr_branch_correlation",  # noqa: F821
               config=job, seed=job["seed"])

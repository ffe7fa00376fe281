"""Rule ff_train_images: fit every configured image with every input mapping (ff-fig1 data)."""

import torch

from netspectra import checkpoints, device, io
from netspectra.papers.ff import experiments
from netspectra.papers.ff.images import load_image

io.log_output(snakemake.log)  # noqa: F821

cfg, data, seed = snakemake.params.cfg, snakemake.params.data, snakemake.params.seed  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821


def label(spec):
    if "label" in spec:
        return spec["label"]
    if spec["source"] == "skimage":
        return spec["name"]
    stem = spec["path"].rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return f"{stem}[{spec.get('index', 0)}]" if spec["source"] == "npz" else stem


images = [load_image(spec, cfg["image_size"], data["data_dir"]) for spec in cfg["images"]]
# Resumable; the images enter the fingerprint as the digest of the training data, not as file paths.
checkpoint = checkpoints.for_job(snakemake.params.state, {"cfg": cfg, "seed": seed})  # noqa: F821
tables = experiments.image_regression(images, [label(s) for s in cfg["images"]], [s["kind"] for s in cfg["images"]],
                                      cfg, seed=seed, device=device.resolve(data["device"]), checkpoint=checkpoint)
for name in ("psnr", "curves", "outputs"):
    io.write_table(tables[name], snakemake.output[name], schema=f"ff_image_{name}",  # noqa: F821
                   rule="ff_train_images", config=cfg | {"data": data}, seed=seed)

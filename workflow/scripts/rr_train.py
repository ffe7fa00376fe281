"""Rule rr_train: train the members of one job (runs × stacked grid values) as one model, resumably."""

import sys

import torch

from netspectra import checkpoints, datasets, device, io, seeds, stacking, training
from netspectra.models import build_model

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821 (injected by Snakemake)
out = snakemake.output  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
dev = device.resolve(job["device"])
recipe_cfg = job["recipe"]
recipe = training.Recipe.from_dict(recipe_cfg)


def log(message: str) -> None:
    print(f"[rr_train {job['training']}/{job['job']}] {message}", file=sys.stderr, flush=True)


train, val = datasets.load_training_data(recipe_cfg["dataset"], job["data_dir"], recipe_cfg["validation_fraction"],
                                         job["seed"], recipe_cfg["input_size"], recipe_cfg.get("max_train_images"),
                                         verify_checksums=job["verify_checksums"])
spec = dict(job["model"], in_channels=train.x.shape[1], n_classes=train.n_classes)
if spec["arch"] == "toycnn":
    spec["image_size"] = train.x.shape[-1]
members = job["members"]
seeds = [seeds.member_seed(job["seed"], m["run"]) for m in members]
slopes = [m["slope"] for m in members] if all("slope" in m for m in members) else None
models = [build_model(spec | ({"slope": m["slope"]} if "slope" in m else {}), seed=s) for m, s in zip(members, seeds)]
model = stacking.stack_models(models, slopes).to(dev)

# Everything the trajectory depends on, the training code included. Not the device, the exported epochs or the
# logging interval (checkpoints.NOT_RESULTS: changing them never restarts training), and not the data's
# location: the data enters as the checksum of its files (or, for shipped stand-ins, their description).
run_fingerprint = checkpoints.fingerprint({"spec": spec, "members": members, "seeds": seeds, "recipe": recipe_cfg,
                                           "data": train.checksum or train.source, "n_train": len(train.y),
                                           "n_val": len(val.y), "code": checkpoints.code_digest()})
metrics = training.train(model, seeds, train.x.to(dev), train.y.to(dev), val.x.to(dev), val.y.to(dev), recipe,
                         checkpoint_dir=job["state_dir"], run_fingerprint=run_fingerprint,
                         keep_epochs=job["export_epochs"], log=log, progress=f"rr_train {job['training']}/{job['job']}")

# One row per member and logged interval, described by the job's model options and the member's values.
info = [{"run": m["run"], "seed": s, "slope": float(m.get("slope", spec.get("slope", 0.01)))}
        for m, s in zip(members, seeds)]
for column in ("run", "seed", "slope"):
    metrics[column] = [info[i][column] for i in metrics["member"]]
for key, value in job["model"].items():
    if key != "slope":
        metrics["init_scheme" if key == "init" else key] = str(value) if isinstance(value, list) else value
metrics.insert(0, "label", job["label"])
metrics.insert(0, "job", job["job"])
metrics.insert(0, "training", job["training"])
metrics["data_source"] = train.source
io.write_table(metrics, out.metrics, schema="training_metrics", rule="rr_train",
               config=job | {"data_source": train.source, "fingerprint": run_fingerprint}, seed=job["seed"])
checkpoints.export(job["state_dir"], out.checkpoints, job["export_epochs"],
                   {"spec": spec, "members": members, "training": job["training"], "job": job["job"]}, log)

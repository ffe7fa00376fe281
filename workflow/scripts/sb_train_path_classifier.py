"""Rule sb_train_path_classifier: the small ResNet whose decision regions sb_input_paths explores (sb-fig8/9).

Trained with netspectra.training (SGD with momentum, cosine schedule, crops) as a one-member stack; the
plain model's weights are saved with their build spec.
"""

import sys

import torch

from netspectra import checkpoints, datasets, io, stacking, training
from netspectra.device import resolve
from netspectra.models import build_model
from netspectra.seeds import derived_seed

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
out = snakemake.output  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
dev = resolve(job["device"])
seed = derived_seed(job["seed"], "sb-fig8_9")
dataset = job["dataset"] if job["data_dir"] is not None else "digits"
train, val = datasets.load_training_data(dataset, job["data_dir"], job["validation_fraction"], seed, job["image_size"],
                                         verify_checksums=job["verify_checksums"])
spec = dict(job["model"], in_channels=train.x.shape[1], n_classes=train.n_classes)
if spec["arch"] == "toycnn":
    spec["image_size"] = train.x.shape[-1]
model = stacking.stack_models([build_model(spec, seed=seed)]).to(dev)
# Resumable after every epoch (as rr_train): the data enters the fingerprint as its checksum, not its path.
run_fingerprint = checkpoints.fingerprint({"job": job, "spec": spec, "seed": seed,
                                           "data": train.checksum or train.source, "code": checkpoints.code_digest()})
metrics = training.train(model, [seed], train.x.to(dev), train.y.to(dev), val.x.to(dev), val.y.to(dev),
                         training.Recipe.from_dict(job["training"]),
                         checkpoint_dir=snakemake.params.state["state_dir"],  # noqa: F821
                         run_fingerprint=run_fingerprint, progress="sb-fig8/9 classifier",
                         log=lambda m: print(f"[sb_train_path_classifier] {m}", file=sys.stderr, flush=True))
state = stacking.member_state_dict({k: v.cpu() for k, v in model.state_dict().items()}, 0)
torch.save({"spec": spec, "state_dict": state, "source": train.source, "dataset": dataset}, out.model)
metrics["data_source"] = train.source
io.write_table(metrics, out.metrics, schema="sb_classifier_metrics", rule="sb_train_path_classifier",
               config=job | {"data_source": train.source}, seed=seed)

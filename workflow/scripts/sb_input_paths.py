"""Rule sb_input_paths: AutoNEB paths without springs between every pair of same-class endpoints (training
images of class c and adversarials pushed into c), all pairs of all classes as one batch (sb-fig8/9)."""

import itertools

import numpy as np
import pandas as pd
import torch

from netspectra import datasets, io
from netspectra.device import resolve
from netspectra.models import build_model
from netspectra.papers.sb.input_paths import (
    batched_logits,
    linear_path,
    neb_paths,
    path_statistics,
    targeted_adversarial,
)
from netspectra.seeds import derived_seed

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
out = snakemake.output  # noqa: F821
torch.set_num_threads(snakemake.threads)  # noqa: F821
dev = resolve(job["device"])
seed = derived_seed(job["seed"], "sb-input-paths")
rng = np.random.default_rng(seed)
ckpt = torch.load(snakemake.input.model, weights_only=True)  # noqa: F821
model = build_model(ckpt["spec"])
model.load_state_dict(ckpt["state_dict"])
model = model.to(dev).eval()
for p in model.parameters():
    p.requires_grad_(False)
data = datasets.load_images(ckpt["dataset"], job["data_dir"], "train", job["image_size"],
                            verify_checksums=job["verify_checksums"])
x, y = data.x.to(dev), data.y.to(dev)
lower, upper = float(x.min()), float(x.max())
adv_cfg = job["adversarial"]
with torch.no_grad():
    prob = torch.softmax(batched_logits(model, x), dim=-1)

endpoints = []  # (class, kind, image)
for c in range(data.n_classes):
    # training images of class c that the model assigns to c with the adversarials' confidence (or the best ones)
    own = torch.nonzero(y == c)[:, 0]
    order = own[torch.argsort(prob[own, c], descending=True)]
    confident = order[prob[order, c] >= adv_cfg["confidence"]]
    pool = confident if len(confident) >= job["n_train_per_class"] else order
    pick = pool[torch.from_numpy(rng.permutation(len(pool))[: job["n_train_per_class"]]).to(dev)]
    endpoints += [(c, "train", x[i]) for i in pick]
    others = torch.nonzero(y != c)[:, 0].cpu().numpy()
    src = torch.from_numpy(rng.choice(others, job["n_adversarial_per_class"], replace=False)).to(dev)
    if len(src):
        adv, ok = targeted_adversarial(model, x[src], torch.full((len(src),), c, device=dev),
                                       n_steps=adv_cfg["n_steps"], step_size=adv_cfg["step_size"],
                                       confidence=adv_cfg["confidence"], lower=lower, upper=upper)
        endpoints += [(c, "adversarial", a) for a in adv[ok]]

pairs = [(a, b) for a, b in itertools.combinations(range(len(endpoints)), 2) if endpoints[a][0] == endpoints[b][0]]
if not pairs:
    raise ValueError("no class has two endpoints: raise sb.fig8_9.n_train_per_class or the adversarial budget")
kind_of = {("train", "train"): "train-train", ("adversarial", "adversarial"): "adversarial-adversarial"}
kinds = [kind_of.get((endpoints[a][1], endpoints[b][1]), "train-adversarial") for a, b in pairs]
# train-adversarial paths run from the training image to the adversarial (as in the paper's Fig. 9)
pairs = [(b, a) if (endpoints[a][1], endpoints[b][1]) == ("adversarial", "train") else (a, b) for a, b in pairs]
start = torch.stack([endpoints[a][2] for a, _ in pairs])
end = torch.stack([endpoints[b][2] for _, b in pairs])
targets = torch.tensor([endpoints[a][0] for a, _ in pairs], device=dev)
neb = job["neb"]
pivots = neb_paths(model, start, end, targets, n_initial_pivots=neb["n_initial_pivots"],
                   n_iterations=neb["n_iterations"], n_steps=neb["n_steps"], learning_rate=neb["learning_rate"],
                   momentum=neb["momentum"])
stats = path_statistics(model, pivots, targets, job["n_per_segment"])
n_dense = job["n_per_segment"] * (pivots.shape[1] - 1)
linear = path_statistics(model, linear_path(start, end, 2), targets, n_dense)
table = pd.DataFrame({
    "path": np.arange(len(pairs)), "target": targets.cpu().numpy(), "pair_kind": kinds,
    "crosses": stats["crosses"].cpu().numpy(), "linear_crosses": linear["crosses"].cpu().numpy(),
    "length_ratio": stats["length_ratio"].double().cpu().numpy(),
    "min_probability": stats["min_probability"].double().cpu().numpy(),
    "linear_min_probability": linear["min_probability"].double().cpu().numpy(),
    "distance": (end - start).flatten(1).norm(dim=1).double().cpu().numpy(),
})
table["data_source"] = data.source

# image rows for the figures: example paths of each kind, one per class where possible
rows = []
with torch.no_grad():
    for kind in ("adversarial-adversarial", "train-adversarial", "train-train"):
        idx = [i for i, k in enumerate(kinds) if k == kind]
        chosen, seen = [], set()
        for i in idx:  # distinct classes first
            if int(targets[i]) not in seen:
                chosen.append(i)
                seen.add(int(targets[i]))
        chosen = chosen[: job["n_example_paths"]]
        for i in chosen:
            probs = torch.softmax(batched_logits(model, pivots[i]), dim=-1)
            for pos, img in enumerate(pivots[i]):
                rows.append({"path": i, "pair_kind": kind, "target": int(targets[i]), "position": pos,
                             "predicted": int(probs[pos].argmax()), "probability": float(probs[pos, targets[i]]),
                             "channels": img.shape[0], "height": img.shape[1], "width": img.shape[2],
                             "pixels": img.flatten().double().cpu().numpy().tolist()})
images = pd.DataFrame(rows)
config = job | {"data_source": data.source}
io.write_table(table, out.stats, schema="sb_path_stats", rule="sb_input_paths", config=config, seed=seed)
io.write_table(images, out.images, schema="sb_path_images", rule="sb_input_paths", config=config, seed=seed)

"""Rule sb_fig8_9: image rows along input-space paths (fig8: between adversarials, with the crossing and
length statistics of all paths; fig9: from training images to adversarials)."""

from netspectra import io, style
from netspectra.figures import sb

io.log_output(snakemake.log)  # noqa: F821

inp, out, p = snakemake.input, snakemake.output, snakemake.params  # noqa: F821
stats = io.read_table(inp.stats, "sb_path_stats")
images = io.read_table(inp.images, "sb_path_images")
metrics = io.read_table(inp.metrics, "sb_classifier_metrics")
source = str(stats["data_source"].iloc[0])
val_acc = metrics["val_accuracy"].dropna()
model_note = f"{source}; classifier validation accuracy {val_acc.iloc[-1]:.3f}" if len(val_acc) else source
CIFAR10 = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
n_classes = int(max(images["target"].max(), images["predicted"].max())) + 1 if len(images) else 0
names = CIFAR10 if source.startswith("cifar10") else [str(c) for c in range(max(n_classes, 10))]
n = len(stats)
crossed = int(stats["crosses"].sum())
fig8 = sb.plot_path_rows(images, "adversarial-adversarial", names, scale=p.scale, stats=stats,
                         title=f"paths between adversarial examples of one target class ({model_note}); "
                               f"{crossed} of {n} paths cross a decision boundary")
style.save(fig8, out.png8, out.pdf8)
fig9 = sb.plot_path_rows(images, "train-adversarial", names, scale=p.scale,
                         title=f"paths from a training image (left) to an adversarial of its class (right) ({model_note})")
style.save(fig9, out.png9, out.pdf9)

"""Rule rr_fig9: training accuracy after N epochs and h of the last layer at init over (depth, slope)."""

import pandas as pd

from netspectra import io, style, training
from netspectra.figures import rr_training

io.log_output(snakemake.log)  # noqa: F821

KEYS = ["version", "shortcut", "depth", "slope"]
params = snakemake.params  # noqa: F821
metrics = pd.concat([io.read_table(p, "training_metrics") for p in snakemake.input.metrics], ignore_index=True)  # noqa: F821
per_run = training.trailing_accuracy(metrics, KEYS + ["run"], params.n_last_logged)
# A cell is hatched when any of its runs diverged; its accuracy is the mean over the others.
accuracy = per_run.groupby(KEYS, as_index=False).agg(train_accuracy=("train_accuracy", "mean"), diverged=("diverged", "any"))
fits = io.read_table(snakemake.input.fits, "fits")  # noqa: F821
h = fits.groupby(KEYS, as_index=False).h.mean()
paths_source = io.read_metadata(snakemake.input.fits)["config"]["spectra_table"]  # noqa: F821
title = (f"rr-fig9 ({params.scale} scale): training for {metrics.epoch.max()} epochs on "
         f"{'; '.join(dict.fromkeys(metrics.data_source))};\nh at init from {fits.init.nunique()} init(s) × "
         f"{fits.direction.nunique()} direction(s) per cell ({paths_source})")
style.save(rr_training.trainability_heatmaps(accuracy, h, params.n_last_logged, title),  # noqa: F821
           snakemake.output.png, snakemake.output.pdf)  # noqa: F821

"""Rules rr_fig8 / rr_fig10: accuracy curves of the named networks of one training experiment."""

import pandas as pd

from netspectra import io, style
from netspectra.figures import rr_training

io.log_output(snakemake.log)  # noqa: F821

metrics = pd.concat([io.read_table(p, "training_metrics") for p in snakemake.input], ignore_index=True)  # noqa: F821
params = snakemake.params  # noqa: F821
model = metrics.iloc[0]
sources = "; ".join(dict.fromkeys(metrics.data_source))
title = (f"{params.fig_id} ({params.scale} scale): {model.arch} depth {model.depth} v{model.version}, "
         f"{metrics.epoch.max()} epochs, mean ± std over runs\ndata: {sources}")
style.save(rr_training.accuracy_curves(metrics, title), snakemake.output.png, snakemake.output.pdf)  # noqa: F821

"""Rule chebyshev: coefficients of every activation on every interval, and the interpolants on a grid."""

import numpy as np
import pandas as pd

from netspectra import io
from netspectra.activations import as_numpy
from netspectra.papers.rr import chebyshev

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
coefs, approx = [], []
for activation in job["activations"]:
    for lo, hi in job["intervals"]:
        interval = chebyshev.interval_label(lo, hi)
        poly = chebyshev.interpolant(activation, job["degree"], (lo, hi), job["slope"])
        coefs.append(pd.DataFrame({
            "activation": activation, "interval": interval, "x_min": float(lo), "x_max": float(hi),
            "degree": job["degree"], "order": np.arange(len(poly.coef)), "coefficient": poly.coef,
            "abs_coefficient": np.abs(poly.coef),
        }))
        x = np.linspace(lo, hi, job["n_eval"])
        approx.append(pd.DataFrame({"activation": activation, "interval": interval, "x": x,
                                    "value": as_numpy(activation, job["slope"])(x), "approximation": poly(x)}))
for frames, name in ((coefs, "coefficients"), (approx, "approximation")):
    io.write_table(pd.concat(frames, ignore_index=True), snakemake.output[name],  # noqa: F821
                   schema=f"chebyshev_{name}", rule="chebyshev", config=job)

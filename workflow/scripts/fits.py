"""Rule fits: fractal coefficient h of every averaged spectrum, log|z_k| = c − h·log k, by both estimators
(h of ``power``, h_detrended of ``power_detrended``), with the floor of each (the h of a straight line, or of a
parabola after detrending, at the same path length and fit range)."""


from netspectra import io, powerlaw

io.log_output(snakemake.log)  # noqa: F821

job = snakemake.params.job  # noqa: F821
spec = io.read_table(snakemake.input[0], "spectra")  # noqa: F821
keys = [c for c in spec.columns if c not in ("k", "power", "power_detrended", "n_paths")]
# set_index/unstack keeps only the (variant, init, direction, layer) groups that exist; grid columns that a
# variant lacks stay NaN in the index instead of multiplying the groups.
both = spec.set_index(keys + ["k"])[["power", "power_detrended"]].unstack("k").sort_index()
wide, detrended = both["power"], both["power_detrended"]
k = wide.columns.to_numpy()
k_min = job["fit"]["k_min"]
k_max = job["fit"]["k_max"] or powerlaw.default_k_max(2 * int(k.max()))
opts = job["spectra"]
result = powerlaw.fit_estimators(k, wide.to_numpy(), detrended.to_numpy(), k_min, k_max, detrend=opts["detrend"],
                                 window=opts["window"], weight=opts["weight"])
table = wide.index.to_frame(index=False).assign(**result, k_min=k_min, k_max=k_max)
io.write_table(table, snakemake.output[0], schema="fits", rule="fits",  # noqa: F821
               config={"fit": job["fit"], "k_max_used": k_max, "spectra_table": str(snakemake.input[0])}, seed=None)  # noqa: F821

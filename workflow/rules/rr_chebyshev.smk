# Ringing ReLUs Fig. 2, 18, 19: Chebyshev coefficients of activations and the interpolants themselves.


rule chebyshev:
    output:
        coefficients=f"{RESULTS}/rr/chebyshev_coefficients.parquet",
        approximation=f"{RESULTS}/rr/chebyshev_approximation.parquet",
    log:
        f"{RESULTS}/logs/chebyshev.log",
    benchmark:
        f"{RESULTS}/benchmarks/chebyshev.tsv"
    conda:
        CONDA_ENV
    params:
        job=config["rr"]["chebyshev"],
    script:
        "../scripts/chebyshev.py"

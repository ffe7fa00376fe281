# Ringing ReLUs figures drawn from the chebyshev, spectra and fits tables: rr-fig2, rr-fig18, rr-fig19, rr-fig3,
# rr-fig5, rr-fig16. Code: netspectra.papers.rr (catalogue.py: claim, drawing and check of every figure id).


rule rr_fig2:
    input:
        rules.chebyshev.output.coefficients,
    output:
        **figure_outputs("rr-fig2"),
    log:
        f"{RESULTS}/logs/rr_fig2.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_fig2.tsv"
    conda:
        CONDA_ENV
    params:
        **figure_params("rr-fig2", activations=["relu", "tanh", "softplus"]),
    script:
        "../scripts/figure.py"


rule rr_fig18:
    input:
        rules.chebyshev.output.approximation,
    output:
        **figure_outputs("rr-fig18"),
    log:
        f"{RESULTS}/logs/rr_fig18.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_fig18.tsv"
    conda:
        CONDA_ENV
    params:
        **figure_params("rr-fig18", interval=[-5.0, 5.0]),
    script:
        "../scripts/figure.py"


rule rr_fig19:
    input:
        rules.chebyshev.output.coefficients,
    output:
        **figure_outputs("rr-fig19"),
    log:
        f"{RESULTS}/logs/rr_fig19.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_fig19.tsv"
    conda:
        CONDA_ENV
    params:
        **figure_params("rr-fig19", interval=[-5.0, 5.0]),
    script:
        "../scripts/figure.py"


rule rr_fig3:
    input:
        a=f"{RESULTS}/rr/spectra/rr-fig3a.parquet",
        b=f"{RESULTS}/rr/spectra/rr-fig3b.parquet",
    output:
        **figure_outputs("rr-fig3", panels=("a", "b")),
    log:
        f"{RESULTS}/logs/rr_fig3.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_fig3.tsv"
    conda:
        CONDA_ENV
    params:
        **figure_params("rr-fig3"),
    script:
        "../scripts/figure.py"


rule rr_fig5:
    input:
        fits=[f"{RESULTS}/rr/fits/rr-fig5.parquet", f"{RESULTS}/rr/fits/rr-fig5-delta.parquet"],
    output:
        **figure_outputs("rr-fig5"),
    log:
        f"{RESULTS}/logs/rr_fig5.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_fig5.tsv"
    conda:
        CONDA_ENV
    params:
        **figure_params("rr-fig5"),
    script:
        "../scripts/figure.py"


rule rr_fig16:
    input:
        fits=[f"{RESULTS}/rr/fits/rr-fig16.parquet"],
    output:
        **figure_outputs("rr-fig16"),
    log:
        f"{RESULTS}/logs/rr_fig16.log",
    benchmark:
        f"{RESULTS}/benchmarks/rr_fig16.tsv"
    conda:
        CONDA_ENV
    params:
        **figure_params("rr-fig16"),
    script:
        "../scripts/figure.py"

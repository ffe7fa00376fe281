# Ringing ReLUs figures drawn from the chebyshev, spectra and fits tables.
RR = "Ringing ReLUs (ICLR 2021)"


rule rr_fig2:
    input:
        rules.chebyshev.output.coefficients,
    output:
        png=figure_report("rr-fig2"),
        pdf=f"{RESULTS}/figures/rr-fig2.pdf",
    log:
        f"{RESULTS}/logs/rr_fig2.log",
    conda:
        CONDA_ENV
    params:
        activations=["relu", "tanh", "softplus"],
    script:
        "../scripts/rr_fig2.py"


rule rr_fig18:
    input:
        rules.chebyshev.output.approximation,
    output:
        png=figure_report("rr-fig18"),
        pdf=f"{RESULTS}/figures/rr-fig18.pdf",
    log:
        f"{RESULTS}/logs/rr_fig18.log",
    conda:
        CONDA_ENV
    params:
        interval=[-5.0, 5.0],
    script:
        "../scripts/rr_fig18.py"


rule rr_fig19:
    input:
        rules.chebyshev.output.coefficients,
    output:
        png=figure_report("rr-fig19"),
        pdf=f"{RESULTS}/figures/rr-fig19.pdf",
    log:
        f"{RESULTS}/logs/rr_fig19.log",
    conda:
        CONDA_ENV
    params:
        interval=[-5.0, 5.0],
    script:
        "../scripts/rr_fig19.py"


rule rr_fig3:
    input:
        a=f"{RESULTS}/rr/spectra/rr-fig3a.parquet",
        b=f"{RESULTS}/rr/spectra/rr-fig3b.parquet",
    output:
        a=figure_report("rr-fig3", "a"),
        b=figure_report("rr-fig3", "b"),
        pdf_a=f"{RESULTS}/figures/rr-fig3a.pdf",
        pdf_b=f"{RESULTS}/figures/rr-fig3b.pdf",
    log:
        f"{RESULTS}/logs/rr_fig3.log",
    conda:
        CONDA_ENV
    params:
        scale=config["scale"],
    script:
        "../scripts/rr_fig3.py"


rule rr_fig5:
    input:
        fits=[f"{RESULTS}/rr/fits/rr-fig5.parquet", f"{RESULTS}/rr/fits/rr-fig5-delta.parquet"],
    output:
        png=figure_report("rr-fig5"),
        pdf=f"{RESULTS}/figures/rr-fig5.pdf",
    log:
        f"{RESULTS}/logs/rr_fig5.log",
    conda:
        CONDA_ENV
    params:
        scale=config["scale"],
    script:
        "../scripts/rr_fig5.py"


rule rr_fig16:
    input:
        fits=[f"{RESULTS}/rr/fits/rr-fig16.parquet"],
    output:
        png=figure_report("rr-fig16"),
        pdf=f"{RESULTS}/figures/rr-fig16.pdf",
    log:
        f"{RESULTS}/logs/rr_fig16.log",
    conda:
        CONDA_ENV
    params:
        scale=config["scale"],
    script:
        "../scripts/rr_fig5.py"


figure_files("rr-fig2")
figure_files("rr-fig18")
figure_files("rr-fig19")
figure_files("rr-fig3", panels=("a", "b"))
figure_files("rr-fig5")
figure_files("rr-fig16")

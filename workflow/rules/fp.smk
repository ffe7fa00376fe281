# F-Principle (Xu, Fourier analysis of training): fp_train_mnist (fp-fig1, fp-fig3), fp_train_image
# (fp-fig2/4 one ensemble, fp-fig5), fp_train_curve (fp-fig6, fp-fig7), then one figure rule per figure.
# Code: netspectra.papers.fp (catalogue.py: claim, drawing and check of every figure id).


include: "functions/fp.smk"


FP_IMAGE_TABLES = ("delta_f", "spectra", "losses", "snapshots")
FP_CURVE_TABLES = ("delta_f", "spectra", "losses", "outputs", "spectral_norms")


rule fp_train_mnist:
    output:
        f"{RESULTS}/fp/mnist_{{fig}}.parquet",
    log:
        f"{RESULTS}/logs/fp_train_mnist/{{fig}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/fp_train_mnist/{{fig}}.tsv"
    wildcard_constraints:
        fig="fig1|fig3",
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=fp_mnist_job,
        state=lambda w: training_state(f"fp_train_mnist/{w.fig}"),
    script:
        "../scripts/fp_train_mnist.py"


rule fp_train_image:
    output:
        **{name: f"{RESULTS}/fp/{{experiment}}/{name}.parquet" for name in FP_IMAGE_TABLES},
    log:
        f"{RESULTS}/logs/fp_train_image/{{experiment}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/fp_train_image/{{experiment}}.tsv"
    wildcard_constraints:
        experiment="image|image_fig5",
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=lambda w: fp_job(w.experiment),
        state=lambda w: training_state(f"fp_train_image/{w.experiment}"),
    script:
        "../scripts/fp_train_image.py"


rule fp_train_curve:
    output:
        **{name: f"{RESULTS}/fp/{{experiment}}/{name}.parquet" for name in FP_CURVE_TABLES},
    log:
        f"{RESULTS}/logs/fp_train_curve/{{experiment}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/fp_train_curve/{{experiment}}.tsv"
    wildcard_constraints:
        experiment="flipped|wide",
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=lambda w: fp_job(w.experiment),
        state=lambda w: training_state(f"fp_train_curve/{w.experiment}"),
    script:
        "../scripts/fp_train_curve.py"


rule fp_fig1:
    input:
        mnist=f"{RESULTS}/fp/mnist_fig1.parquet",
    output:
        **figure_outputs("fp-fig1"),
    log:
        f"{RESULTS}/logs/fp_fig1.log",
    benchmark:
        f"{RESULTS}/benchmarks/fp_fig1.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("fp-fig1"),
    script:
        "../scripts/figure.py"


rule fp_fig2:
    input:
        **fp_tables("image", FP_IMAGE_TABLES),
    output:
        **figure_outputs("fp-fig2"),
    log:
        f"{RESULTS}/logs/fp_fig2.log",
    benchmark:
        f"{RESULTS}/benchmarks/fp_fig2.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("fp-fig2", member=0, row=config["fp"]["image"]["row"], spectrum_step=fp_spectrum_step("image")),
    script:
        "../scripts/figure.py"


rule fp_fig3:
    input:
        mnist=f"{RESULTS}/fp/mnist_fig3.parquet",
    output:
        **figure_outputs("fp-fig3"),
    log:
        f"{RESULTS}/logs/fp_fig3.log",
    benchmark:
        f"{RESULTS}/benchmarks/fp_fig3.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("fp-fig3"),
    script:
        "../scripts/figure.py"


rule fp_fig4:
    input:
        **fp_tables("image", ("losses", "snapshots")),
    output:
        **figure_outputs("fp-fig4"),
    log:
        f"{RESULTS}/logs/fp_fig4.log",
    benchmark:
        f"{RESULTS}/benchmarks/fp_fig4.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("fp-fig4", member=1, row=config["fp"]["image"]["row"]),
    script:
        "../scripts/figure.py"


rule fp_fig5:
    input:
        **fp_tables("image_fig5", FP_IMAGE_TABLES),
    output:
        **figure_outputs("fp-fig5"),
    log:
        f"{RESULTS}/logs/fp_fig5.log",
    benchmark:
        f"{RESULTS}/benchmarks/fp_fig5.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params(
            "fp-fig5", member=0, row=config["fp"]["image_fig5"]["row"], spectrum_step=fp_spectrum_step("image_fig5")
        ),
    script:
        "../scripts/figure.py"


rule fp_fig6:
    input:
        **fp_tables("flipped", ("delta_f", "spectra", "outputs")),
    output:
        **figure_outputs("fp-fig6"),
    log:
        f"{RESULTS}/logs/fp_fig6.log",
    benchmark:
        f"{RESULTS}/benchmarks/fp_fig6.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("fp-fig6"),
    script:
        "../scripts/figure.py"


rule fp_fig7:
    input:
        **fp_tables("wide", ("delta_f", "spectra", "outputs", "spectral_norms")),
    output:
        **figure_outputs("fp-fig7"),
    log:
        f"{RESULTS}/logs/fp_fig7.log",
    benchmark:
        f"{RESULTS}/benchmarks/fp_fig7.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("fp-fig7"),
    script:
        "../scripts/figure.py"

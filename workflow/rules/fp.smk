# F-Principle (Xu, Fourier analysis of training): fp_train_mnist (fp-fig1, fp-fig3), fp_train_image
# (fp-fig2/4 one ensemble, fp-fig5), fp_train_curve (fp-fig6, fp-fig7), then one figure rule per figure.


include: "functions/fp.smk"


FP = "F-Principle (Xu, Fourier analysis)"
FP_IMAGE_TABLES = ("delta_f", "spectra", "losses", "snapshots")
FP_CURVE_TABLES = ("delta_f", "spectra", "losses", "outputs", "spectral_norms")
# The fp networks are small: a training step is a few small matmuls, so a second torch thread only adds
# synchronisation (measured on the shared 2-core CPU: 36 ms/step with 1 thread, 355 ms with 2). The
# training rules take one thread each and --cores 2 runs two of them side by side instead.
FP_TRAIN_THREADS = 1

fp_check_config()


rule fp_train_mnist:
    output:
        f"{RESULTS}/fp/mnist_{{fig}}.parquet",
    log:
        f"{RESULTS}/logs/fp_train_mnist/{{fig}}.log",
    wildcard_constraints:
        fig="fig1|fig3",
    params:
        job=fp_mnist_job,
    threads: FP_TRAIN_THREADS
    conda:
        CONDA_ENV_GPU
    script:
        "../scripts/fp_train_mnist.py"


rule fp_train_image:
    output:
        **{name: f"{RESULTS}/fp/{{experiment}}/{name}.parquet" for name in FP_IMAGE_TABLES},
    log:
        f"{RESULTS}/logs/fp_train_image/{{experiment}}.log",
    wildcard_constraints:
        experiment="image|image_fig5",
    params:
        job=lambda w: fp_job(w.experiment),
    threads: FP_TRAIN_THREADS
    conda:
        CONDA_ENV_GPU
    script:
        "../scripts/fp_train_image.py"


rule fp_train_curve:
    output:
        **{name: f"{RESULTS}/fp/{{experiment}}/{name}.parquet" for name in FP_CURVE_TABLES},
    log:
        f"{RESULTS}/logs/fp_train_curve/{{experiment}}.log",
    wildcard_constraints:
        experiment="flipped|wide",
    params:
        job=lambda w: fp_job(w.experiment),
    threads: FP_TRAIN_THREADS
    conda:
        CONDA_ENV_GPU
    script:
        "../scripts/fp_train_curve.py"


rule fp_fig1:
    input:
        mnist=f"{RESULTS}/fp/mnist_fig1.parquet",
    output:
        png=figure_report("fp-fig1", FP),
        pdf=f"{RESULTS}/figures/fp-fig1.pdf",
    log:
        f"{RESULTS}/logs/fp_fig1.log",
    params:
        figure="fp-fig1",
        options={},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig2:
    input:
        **fp_tables("image", FP_IMAGE_TABLES),
    output:
        png=figure_report("fp-fig2", FP),
        pdf=f"{RESULTS}/figures/fp-fig2.pdf",
    log:
        f"{RESULTS}/logs/fp_fig2.log",
    params:
        figure="fp-fig2",
        options={"member": 0, "row": config["fp"]["image"]["row"], "spectrum_step": fp_spectrum_step("image")},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig3:
    input:
        mnist=f"{RESULTS}/fp/mnist_fig3.parquet",
    output:
        png=figure_report("fp-fig3", FP),
        pdf=f"{RESULTS}/figures/fp-fig3.pdf",
    log:
        f"{RESULTS}/logs/fp_fig3.log",
    params:
        figure="fp-fig3",
        options={},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig4:
    input:
        **fp_tables("image", ("losses", "snapshots")),
    output:
        png=figure_report("fp-fig4", FP),
        pdf=f"{RESULTS}/figures/fp-fig4.pdf",
    log:
        f"{RESULTS}/logs/fp_fig4.log",
    params:
        figure="fp-fig4",
        options={"member": 1, "row": config["fp"]["image"]["row"]},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig5:
    input:
        **fp_tables("image_fig5", FP_IMAGE_TABLES),
    output:
        png=figure_report("fp-fig5", FP),
        pdf=f"{RESULTS}/figures/fp-fig5.pdf",
    log:
        f"{RESULTS}/logs/fp_fig5.log",
    params:
        figure="fp-fig5",
        options={"member": 0, "row": config["fp"]["image_fig5"]["row"],
                 "spectrum_step": fp_spectrum_step("image_fig5")},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig6:
    input:
        **fp_tables("flipped", ("delta_f", "spectra", "outputs")),
    output:
        png=figure_report("fp-fig6", FP),
        pdf=f"{RESULTS}/figures/fp-fig6.pdf",
    log:
        f"{RESULTS}/logs/fp_fig6.log",
    params:
        figure="fp-fig6",
        options={},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


rule fp_fig7:
    input:
        **fp_tables("wide", ("delta_f", "spectra", "outputs", "spectral_norms")),
    output:
        png=figure_report("fp-fig7", FP),
        pdf=f"{RESULTS}/figures/fp-fig7.pdf",
    log:
        f"{RESULTS}/logs/fp_fig7.log",
    params:
        figure="fp-fig7",
        options={},
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/fp_figure.py"


for _fig in ("fp-fig1", "fp-fig2", "fp-fig3", "fp-fig4", "fp-fig5", "fp-fig6", "fp-fig7"):
    figure_files(_fig)

# Fourier Features (Tancik et al. 2020): ff_train_images (ff-fig1), ff_ntk (ff-fig2), ff_train_fits (ff-fig3),
# ff_train_sparse (ff-fig4), each followed by its figure rule.
# Code: netspectra.papers.ff (catalogue.py: claim, drawing and check of every figure id).


include: "functions/ff.smk"


FF = config["ff"]
FF_DIR = f"{RESULTS}/ff"


rule ff_train_images:
    input:
        ff_image_inputs,
    output:
        psnr=f"{FF_DIR}/images_psnr.parquet",
        curves=f"{FF_DIR}/images_curves.parquet",
        outputs=f"{FF_DIR}/images_outputs.parquet",
    log:
        f"{RESULTS}/logs/ff_train_images.log",
    benchmark:
        f"{RESULTS}/benchmarks/ff_train_images.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        cfg=FF["fig1"],
        data=data_config(),
        seed=config["seed"],
        state=training_state("ff_train_images"),
    script:
        "../scripts/ff_train_images.py"


rule ff_fig1:
    input:
        psnr=rules.ff_train_images.output.psnr,
        outputs=rules.ff_train_images.output.outputs,
        curves=rules.ff_train_images.output.curves,
    output:
        **figure_outputs("ff-fig1"),
    log:
        f"{RESULTS}/logs/ff_fig1.log",
    benchmark:
        f"{RESULTS}/benchmarks/ff_fig1.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("ff-fig1", scale=config["scale"]),
    script:
        "../scripts/figure.py"


rule ff_ntk:
    output:
        kernels=f"{FF_DIR}/ntk_kernels.parquet",
        spectra=f"{FF_DIR}/ntk_spectra.parquet",
    log:
        f"{RESULTS}/logs/ff_ntk.log",
    benchmark:
        f"{RESULTS}/benchmarks/ff_ntk.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        cfg=FF["fig2"],
        data=data_config(),
        seed=config["seed"],
    script:
        "../scripts/ff_ntk.py"


rule ff_fig2:
    input:
        kernels=rules.ff_ntk.output.kernels,
        spectra=rules.ff_ntk.output.spectra,
    output:
        **figure_outputs("ff-fig2"),
    log:
        f"{RESULTS}/logs/ff_fig2.log",
    benchmark:
        f"{RESULTS}/benchmarks/ff_fig2.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("ff-fig2", scale=config["scale"]),
    script:
        "../scripts/figure.py"


rule ff_train_fits:
    output:
        curves=f"{FF_DIR}/fits_curves.parquet",
        residuals=f"{FF_DIR}/fits_residuals.parquet",
        functions=f"{FF_DIR}/fits_functions.parquet",
    log:
        f"{RESULTS}/logs/ff_train_fits.log",
    benchmark:
        f"{RESULTS}/benchmarks/ff_train_fits.tsv"
    conda:
        CONDA_ENV_GPU
    # Small networks: per-step overhead dominates and a second thread only spins (paper scale: GPU).
    threads: 1
    params:
        cfg=FF["fig3"],
        data=data_config(),
        seed=config["seed"],
        state=training_state("ff_train_fits"),
    script:
        "../scripts/ff_train_fits.py"


rule ff_fig3:
    input:
        curves=rules.ff_train_fits.output.curves,
        residuals=rules.ff_train_fits.output.residuals,
        functions=rules.ff_train_fits.output.functions,
    output:
        **figure_outputs("ff-fig3"),
    log:
        f"{RESULTS}/logs/ff_fig3.log",
    benchmark:
        f"{RESULTS}/benchmarks/ff_fig3.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("ff-fig3", scale=config["scale"], plot_labels=FF["fig3"]["plot_labels"]),
    script:
        "../scripts/figure.py"


rule ff_train_sparse:
    output:
        sweep=f"{FF_DIR}/sparse_sweep.parquet",
    log:
        f"{RESULTS}/logs/ff_train_sparse.log",
    benchmark:
        f"{RESULTS}/benchmarks/ff_train_sparse.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        cfg=FF["fig4"],
        data=data_config(),
        seed=config["seed"],
        state=training_state("ff_train_sparse"),
    script:
        "../scripts/ff_train_sparse.py"


rule ff_fig4:
    input:
        sweep=rules.ff_train_sparse.output.sweep,
    output:
        **figure_outputs("ff-fig4"),
    log:
        f"{RESULTS}/logs/ff_fig4.log",
    benchmark:
        f"{RESULTS}/benchmarks/ff_fig4.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("ff-fig4", scale=config["scale"]),
    script:
        "../scripts/figure.py"

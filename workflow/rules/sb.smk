# On the Spectral Bias of Neural Networks (Rahaman et al. 2019): sb-fig1 … sb-fig10. Training rules per
# experiment, then one figure rule per figure (sb_fig8_9 draws sb-fig8 and sb-fig9).
# Code: netspectra.papers.sb (catalogue.py: claim, drawing and check of every figure id).


include: "functions/sb.smk"


SB = config["sb"]
SB_DIR = f"{RESULTS}/sb"
SB_SETTINGS = list(SB["fig1"]["amplitudes"])
SB_PANELS = tuple("abcdefghij"[: len(SB_SETTINGS)])


# ------------------------------------------------------------------------------ Exp. 1: fig1, fig6
rule sb_train_sines:
    output:
        spectrum=f"{SB_DIR}/sines_spectrum.parquet",
        loss=f"{SB_DIR}/sines_loss.parquet",
        norms=f"{SB_DIR}/sines_norms.parquet",
        snapshots=f"{SB_DIR}/sines_snapshots.parquet",
    log:
        f"{RESULTS}/logs/sb_train_sines.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_train_sines.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=sb_job("fig1"),
        state=training_state("sb_train_sines"),
    script:
        "../scripts/sb_train_sines.py"


rule sb_fig1:
    input:
        spectrum=rules.sb_train_sines.output.spectrum,
        norms=rules.sb_train_sines.output.norms,
    output:
        **figure_outputs("sb-fig1", panels=SB_PANELS),
    log:
        f"{RESULTS}/logs/sb_fig1.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_fig1.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("sb-fig1", settings=SB_SETTINGS, panels=list(SB_PANELS), scale=config["scale"]),
    script:
        "../scripts/figure.py"


rule sb_fig6:
    input:
        snapshots=rules.sb_train_sines.output.snapshots,
    output:
        **figure_outputs("sb-fig6"),
    log:
        f"{RESULTS}/logs/sb_fig6.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_fig6.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("sb-fig6", setting=SB_SETTINGS[0], scale=config["scale"]),
    script:
        "../scripts/figure.py"


# ------------------------------------------------------------------------------ Exp. 4: fig5
rule sb_train_robustness:
    output:
        robustness=f"{SB_DIR}/robustness.parquet",
    log:
        f"{RESULTS}/logs/sb_train_robustness.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_train_robustness.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=sb_job("fig5"),
        state=training_state("sb_train_robustness"),
    script:
        "../scripts/sb_train_robustness.py"


rule sb_fig5:
    input:
        robustness=rules.sb_train_robustness.output.robustness,
    output:
        **figure_outputs("sb-fig5"),
    log:
        f"{RESULTS}/logs/sb_fig5.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_fig5.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("sb-fig5", scale=config["scale"]),
    script:
        "../scripts/figure.py"


# ------------------------------------------------------------------------------ Exp. 2: fig3
rule sb_train_manifold:
    output:
        spectrum=f"{SB_DIR}/manifold_spectrum.parquet",
        loss=f"{SB_DIR}/manifold_loss.parquet",
    log:
        f"{RESULTS}/logs/sb_train_manifold.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_train_manifold.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=sb_job("fig3"),
        state=training_state("sb_train_manifold"),
    script:
        "../scripts/sb_train_manifold.py"


rule sb_fig3:
    input:
        spectrum=rules.sb_train_manifold.output.spectrum,
        loss=rules.sb_train_manifold.output.loss,
    output:
        **figure_outputs("sb-fig3"),
    log:
        f"{RESULTS}/logs/sb_fig3.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_fig3.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("sb-fig3", scale=config["scale"]),
    script:
        "../scripts/figure.py"


# ------------------------------------------------------------------------------ Exp. 3: fig4
rule sb_train_classification_grid:
    output:
        accuracy=f"{SB_DIR}/classification_accuracy.parquet",
    log:
        f"{RESULTS}/logs/sb_train_classification_grid.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_train_classification_grid.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=sb_job("fig4"),
        state=training_state("sb_train_classification_grid"),
    script:
        "../scripts/sb_train_classification_grid.py"


rule sb_fig4:
    input:
        accuracy=rules.sb_train_classification_grid.output.accuracy,
    output:
        **figure_outputs("sb-fig4"),
    log:
        f"{RESULTS}/logs/sb_fig4.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_fig4.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("sb-fig4", scale=config["scale"]),
    script:
        "../scripts/figure.py"


# ------------------------------------------------------------------------------ decision maps: fig2, fig10
rule sb_train_decision_maps:
    output:
        maps=f"{SB_DIR}/decision_maps/k{{k}}_L{{L}}_map.parquet",
        data=f"{SB_DIR}/decision_maps/k{{k}}_L{{L}}_data.parquet",
        accuracy=f"{SB_DIR}/decision_maps/k{{k}}_L{{L}}_accuracy.parquet",
    log:
        f"{RESULTS}/logs/sb_train_decision_maps/{{k}}/{{L}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_train_decision_maps/{{k}}/{{L}}.tsv"
    wildcard_constraints:
        k=r"\d+",
        L=r"\d+",
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=lambda wc: sb_job("decision_maps", frequency=int(wc.k), n_petals=int(wc.L)),
        state=lambda wc: training_state(f"sb_train_decision_maps/{wc.k}/{wc.L}"),
    script:
        "../scripts/sb_train_decision_maps.py"


rule sb_fig2:
    input:
        maps=sb_map("map", SB["fig2"]["frequency"], SB["fig2"]["n_petals"]),
        data=sb_map("data", SB["fig2"]["frequency"], SB["fig2"]["n_petals"]),
        accuracy=sb_map("accuracy", SB["fig2"]["frequency"], SB["fig2"]["n_petals"]),
    output:
        **figure_outputs("sb-fig2"),
    log:
        f"{RESULTS}/logs/sb_fig2.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_fig2.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("sb-fig2", k=SB["fig2"]["frequency"], n_petals=SB["fig2"]["n_petals"], scale=config["scale"]),
    script:
        "../scripts/figure.py"


rule sb_knn:
    input:
        dnn_map=sb_map("map", SB["fig10"]["spectrum"]["frequency"], SB["fig10"]["spectrum"]["n_petals"]),
        data=sb_map("data", SB["fig10"]["spectrum"]["frequency"], SB["fig10"]["spectrum"]["n_petals"]),
    output:
        accuracy=f"{SB_DIR}/knn_accuracy.parquet",
        radial=f"{SB_DIR}/radial_spectra.parquet",
    log:
        f"{RESULTS}/logs/sb_knn.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_knn.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        job=sb_job("fig10", decision_maps=SB["decision_maps"]),
    script:
        "../scripts/sb_knn.py"


rule sb_fig10:
    input:
        accuracy=rules.sb_knn.output.accuracy,
        radial=rules.sb_knn.output.radial,
        dnn_accuracy=sb_map("accuracy", SB["fig10"]["spectrum"]["frequency"], SB["fig10"]["spectrum"]["n_petals"]),
    output:
        **figure_outputs("sb-fig10"),
    log:
        f"{RESULTS}/logs/sb_fig10.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_fig10.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("sb-fig10", evaluation=SB["fig10"]["evaluation"], scale=config["scale"]),
    script:
        "../scripts/figure.py"


# ------------------------------------------------------------------------------ App. A.3: fig7
rule sb_train_noise_regression:
    output:
        loss=f"{SB_DIR}/noise_regression_loss.parquet",
    log:
        f"{RESULTS}/logs/sb_train_noise_regression.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_train_noise_regression.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=sb_job("fig7"),
        state=training_state("sb_train_noise_regression"),
    script:
        "../scripts/sb_train_noise_regression.py"


rule sb_fig7:
    input:
        loss=rules.sb_train_noise_regression.output.loss,
    output:
        **figure_outputs("sb-fig7"),
    log:
        f"{RESULTS}/logs/sb_fig7.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_fig7.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("sb-fig7", scale=config["scale"]),
    script:
        "../scripts/figure.py"


# ------------------------------------------------------------------------------ App. A.4: fig8, fig9
rule sb_train_path_classifier:
    output:
        model=f"{SB_DIR}/path_classifier.pt",
        metrics=f"{SB_DIR}/path_classifier_metrics.parquet",
    log:
        f"{RESULTS}/logs/sb_train_path_classifier.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_train_path_classifier.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=sb_job("fig8_9"),
        state=training_state("sb_train_path_classifier"),
    script:
        "../scripts/sb_train_path_classifier.py"


rule sb_input_paths:
    input:
        model=rules.sb_train_path_classifier.output.model,
    output:
        stats=f"{SB_DIR}/input_paths.parquet",
        images=f"{SB_DIR}/input_path_images.parquet",
    log:
        f"{RESULTS}/logs/sb_input_paths.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_input_paths.tsv"
    conda:
        CONDA_ENV_GPU
    threads: JOB_THREADS
    params:
        job=sb_job("fig8_9"),
    script:
        "../scripts/sb_input_paths.py"


rule sb_fig8_9:
    input:
        stats=rules.sb_input_paths.output.stats,
        images=rules.sb_input_paths.output.images,
        metrics=rules.sb_train_path_classifier.output.metrics,
    output:
        **figure_outputs("sb-fig8", "sb-fig9"),
    log:
        f"{RESULTS}/logs/sb_fig8_9.log",
    benchmark:
        f"{RESULTS}/benchmarks/sb_fig8_9.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        **figure_params("sb-fig8", "sb-fig9", scale=config["scale"]),
    script:
        "../scripts/figure.py"

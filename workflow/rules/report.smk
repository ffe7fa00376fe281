# Report: the claims rule checks the claim of every figure id of the experiment catalogue from that figure's
# own Parquet inputs (read off its figure rule), writes results/claims.parquet and a table for the Snakemake
# report. It looks up the figure rules every other rule file registered with figure_files().


include: "functions/report.smk"


claims_plan()  # fail at parse time on a bad report.claims_figures


# Inputs and params are functions: they run once the DAG is built, after every rule file was included, so
# the figure rules are found whatever the include order.
rule claims:
    input:
        claims_inputs,
    output:
        table=f"{RESULTS}/claims.parquet",
        html=report(
            f"{RESULTS}/claims.html",
            caption="../report/claims.rst",
            category="Paper claims",
            subcategory="claims table",
            labels={"table": "claims", "scale": config["scale"]},
        ),
    log:
        f"{RESULTS}/logs/claims.log",
    benchmark:
        f"{RESULTS}/benchmarks/claims.tsv"
    conda:
        CONDA_ENV
    threads: 1
    params:
        figures=lambda wildcards: claims_plan(),
        scale=config["scale"],
    script:
        "../scripts/claims.py"


FIGURES["claims"] = [f"{RESULTS}/claims.parquet", f"{RESULTS}/claims.html"]

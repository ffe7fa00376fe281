# Report: the claims rule checks the claim of every figure id of the experiment catalogue from that figure's
# own Parquet inputs (read off its figure rule), writes results/claims.parquet and a table for the Snakemake
# report. It looks up the figure rules every other rule file registered with figure_files().
from netspectra import claims as _claims

validate(config.setdefault("report", {}), "../schemas/report.schema.yaml")


def _figure_rule(fig_id):
    """The rule that draws ``fig_id`` (the one whose outputs include its registered files), or None."""
    files = set(FIGURES.get(fig_id, ()))
    for candidate in workflow.rules:
        if files & {str(f) for f in candidate.output}:
            return candidate
    return None


def _plain(value):
    """Params that are data (not functions), so that the claims job can read them and reruns when they change."""
    return not callable(value)


def _named_parquet_inputs(fig_rule):
    """{input name: [Parquet files]} of a figure rule; unnamed inputs go under 'input'."""
    named, seen = {}, set()
    for name, files in fig_rule.input.items():
        files = [files] if isinstance(files, str) else list(files)
        named[name] = [str(f) for f in files if str(f).endswith(".parquet")]
        seen |= set(named[name])
    rest = [str(f) for f in fig_rule.input if str(f).endswith(".parquet") and str(f) not in seen]
    if rest:
        named["input"] = rest
    return {name: files for name, files in named.items() if files}


def claims_plan():
    """For every catalogue figure id: its inputs and params to evaluate, or the reason it is not evaluated."""
    chosen = config["report"]["claims_figures"]
    unknown = [f for f in (chosen if chosen != "all" else []) if f not in _claims.CLAIMS]
    if unknown:
        raise ValueError(f"config report.claims_figures: unknown figure id(s) {unknown}; "
                         f"known: {', '.join(_claims.FIGURE_IDS)}")
    plan = {}
    for fig_id in _claims.FIGURE_IDS:
        fig_rule = _figure_rule(fig_id)
        if chosen != "all" and fig_id not in chosen:
            plan[fig_id] = {"evaluate": False, "reason": "not selected by config report.claims_figures"}
        elif fig_rule is None:
            plan[fig_id] = {"evaluate": False, "reason": "no figure rule in this workflow (rule file not included, "
                                                         "or the figure is disabled at this scale)"}
        else:
            plan[fig_id] = {"evaluate": True, "rule": fig_rule.name, "inputs": _named_parquet_inputs(fig_rule),
                            "params": {k: v for k, v in fig_rule.params.items() if _plain(v)}}
    return plan


def claims_inputs(wildcards):
    plan = claims_plan()
    return sorted({f for fig in plan.values() if fig["evaluate"] for files in fig["inputs"].values() for f in files})


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
    params:
        figures=lambda wildcards: claims_plan(),
        scale=config["scale"],
    threads: 1
    conda:
        CONDA_ENV
    script:
        "../scripts/claims.py"


FIGURES["claims"] = [f"{RESULTS}/claims.parquet", f"{RESULTS}/claims.html"]

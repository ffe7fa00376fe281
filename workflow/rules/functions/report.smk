# Functions of workflow/rules/report.smk (kept apart from its rules, as snakemake --lint asks).
from netspectra import claims as _claims


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
        drawing = _figure_rule(fig_id)
        if chosen != "all" and fig_id not in chosen:
            plan[fig_id] = {"evaluate": False, "reason": "not selected by config report.claims_figures"}
        elif drawing is None:
            plan[fig_id] = {"evaluate": False, "reason": "no figure rule in this workflow (rule file not included, "
                                                         "or the figure is disabled at this scale)"}
        else:
            plan[fig_id] = {"evaluate": True, "rule": drawing.name, "inputs": _named_parquet_inputs(drawing),
                            "params": {k: v for k, v in drawing.params.items() if _plain(v)}}
    return plan


def claims_inputs(wildcards):
    plan = claims_plan()
    return sorted({f for fig in plan.values() if fig["evaluate"] for files in fig["inputs"].values() for f in files})


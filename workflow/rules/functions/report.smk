# Functions of workflow/rules/report.smk (kept apart from its rules, as snakemake --lint asks).
from netspectra import io as _io


def _figure_rule(fig_id):
    """The rule that draws ``fig_id`` (the one whose outputs include its registered files), or None."""
    files = set(FIGURES.get(fig_id, ()))
    for candidate in workflow.rules:
        if files & {str(f) for f in candidate.output}:
            return candidate
    return None


def _check_params(fig_rule):
    """The figure rule's params that are data for its claim check: not functions (the claims job must read them
    and rerun when they change), not the ids and captions figure_params adds."""
    return {k: v for k, v in fig_rule.params.items() if not callable(v) and k not in ("figures", "captions")}


def claims_plan():
    """For every catalogue figure id: its inputs and params to evaluate, or the reason it is not evaluated."""
    chosen = config["report"]["claims_figures"]
    known = papers.figure_ids()
    unknown = [f for f in (chosen if chosen != "all" else []) if f not in known]
    if unknown:
        raise ValueError(f"config report.claims_figures: unknown figure id(s) {unknown}; known: {', '.join(known)}")
    plan = {}
    for fig_id in known:
        drawing = _figure_rule(fig_id)
        if chosen != "all" and fig_id not in chosen:
            plan[fig_id] = {"evaluate": False, "reason": "not selected by config report.claims_figures"}
        elif drawing is None:
            plan[fig_id] = {
                "evaluate": False,
                "reason": "no figure rule in this workflow (rule file not included, "
                "or the figure is disabled at this scale)",
            }
        else:
            plan[fig_id] = {
                "evaluate": True,
                "rule": drawing.name,
                "inputs": _io.named_parquet_files(drawing.input),
                "params": _check_params(drawing),
            }
    return plan


def claims_inputs(wildcards):
    plan = claims_plan()
    return sorted({f for fig in plan.values() if fig["evaluate"] for files in fig["inputs"].values() for f in files})

"""Job time per rule and per figure of a finished run, as Markdown tables (for the README's figure table).

    python tools/job_times.py                       # in the run's working directory
    python tools/job_times.py -d /tmp/run --results results

Reads every job's ``benchmark:`` file (``<results>/benchmarks/<rule>[/<wildcards>].tsv``: wall seconds ``s``,
``cpu_time``, peak memory ``max_rss`` in MB) and prints
- per rule: jobs, total, mean and longest wall time, total CPU time, largest peak memory;
- per figure id: the jobs behind it (the figure's own rule plus, recursively, the rules that made its inputs,
  each job counted once per figure), their summed wall and CPU time and the largest peak memory.
Which job made which file comes from Snakemake's records in ``.snakemake/metadata`` (rule, inputs and log of
every output file); a job's benchmark file is its log file's path with ``logs/`` -> ``benchmarks/`` and ``.log``
-> ``.tsv`` (the workflow's convention, tests/test_benchmarks.py). A job without a benchmark file counts with
the start and end times Snakemake recorded (marked ``*``). A job resumed from finished state counts only the
time of its last run.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass
class Job:
    rule: str
    log: str  # identifies the job (every rule has a log of its own per job)
    inputs: list[str]
    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    measured: bool  # from a benchmark file (False: Snakemake's recorded start and end times)


def duration(seconds: float) -> str:
    """``1h02m``, ``3m05s`` or ``42s`` (``—`` when unknown)."""
    if seconds != seconds:
        return "—"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s" if m else f"{s}s"


def records(workdir: Path) -> dict[str, dict]:
    """Snakemake's record of every output file in ``workdir`` ({output path: record}); names are the
    urlsafe base64 of the path, split into folders of ``@``-prefixed parts when long."""
    root = workdir / ".snakemake" / "metadata"
    out = {}
    for path in root.rglob("*") if root.is_dir() else []:
        if path.is_file():
            name = "".join(p.lstrip("@") for p in path.relative_to(root).parts)
            try:
                out[base64.urlsafe_b64decode(name).decode()] = json.loads(path.read_text())
            except (ValueError, UnicodeDecodeError):
                continue  # not a record
    return out


def benchmark_path(workdir: Path, log: str) -> Path:
    """``results/logs/<rule>[/<wildcards>].log`` -> ``results/benchmarks/<rule>[/<wildcards>].tsv``."""
    return workdir / (re.sub(r"(^|/)logs/", r"\1benchmarks/", log, count=1).removesuffix(".log") + ".tsv")


def read_benchmark(path: Path) -> tuple[float, float, float] | None:
    """(s, cpu_time, max_rss) of a benchmark file (the last row: the latest repeat), or None."""
    if not path.exists():
        return None
    row = pd.read_csv(path, sep="\t").iloc[-1]
    number = lambda key: float(pd.to_numeric(row.get(key), errors="coerce"))  # noqa: E731 ("-" = not measured)
    return number("s"), number("cpu_time"), number("max_rss")


def jobs_of(workdir: Path, outputs: dict[str, dict]) -> dict[str, Job]:
    """{output path: the Job that made it} for every recorded output with a log."""
    by_log: dict[str, Job] = {}
    made = {}
    for output, rec in outputs.items():
        logs = rec.get("log") or []
        if not logs:
            continue
        log = logs[0]
        if log not in by_log:
            measured = read_benchmark(benchmark_path(workdir, log))
            if measured is not None:
                s, cpu, rss = measured
            else:
                s = float(rec.get("endtime", float("nan")) - rec.get("starttime", float("nan")))
                cpu = rss = float("nan")
            by_log[log] = Job(rec["rule"], log, list(rec.get("input") or []), s, cpu, rss, measured is not None)
        made[output] = by_log[log]
    return made


def behind(outputs: list[str], made: dict[str, Job]) -> dict[str, Job]:
    """Every job that made ``outputs`` or, recursively, their inputs ({log: Job}, each job once)."""
    seen: dict[str, Job] = {}
    todo = list(outputs)
    while todo:
        job = made.get(todo.pop())
        if job is None or job.log in seen:
            continue
        seen[job.log] = job
        todo += job.inputs
    return seen


def figure_outputs(made: dict[str, Job], results: str, figure_ids: list[str]) -> dict[str, list[str]]:
    """{figure id: its PNG files} (``<results>/figures/<id><panel letter>.png``)."""
    out = {}
    for fig in figure_ids:
        pattern = re.compile(rf"^{re.escape(results)}/figures/{re.escape(fig)}[a-z]?\.png$")
        files = sorted(f for f in made if pattern.match(f))
        if files:
            out[fig] = files
    return out


def megabytes(value: float) -> str:
    return f"{value:.0f}" if value == value else "—"


def _total(values) -> float:
    values = list(values)
    return float(sum(values)) if values and all(v == v for v in values) else float("nan")


def rule_table(jobs: list[Job]) -> str:
    rows = ["| rule | jobs | total | mean | longest | CPU time | peak memory (MB) |", "|---|---|---|---|---|---|---|"]
    by_rule: dict[str, list[Job]] = {}
    for job in jobs:
        by_rule.setdefault(job.rule, []).append(job)
    for rule, group in sorted(by_rule.items(), key=lambda kv: -_total(j.seconds for j in kv[1])):
        star = "" if all(j.measured for j in group) else "*"
        total = _total(j.seconds for j in group)
        rss = max((j.max_rss_mb for j in group if j.max_rss_mb == j.max_rss_mb), default=float("nan"))
        rows.append(f"| {rule} | {len(group)} | {duration(total)}{star} | {duration(total / len(group))} | "
                    f"{duration(max(j.seconds for j in group))} | {duration(_total(j.cpu_seconds for j in group))} | "
                    f"{megabytes(rss)} |")
    return "\n".join(rows)


def figure_table(figures: dict[str, list[str]], made: dict[str, Job]) -> str:
    rows = ["| figure | jobs | job time | CPU time | peak memory (MB) | rules |", "|---|---|---|---|---|---|"]
    for fig, files in figures.items():
        jobs = list(behind(files, made).values())
        star = "" if all(j.measured for j in jobs) else "*"
        rss = max((j.max_rss_mb for j in jobs if j.max_rss_mb == j.max_rss_mb), default=float("nan"))
        rules = ", ".join(sorted({j.rule for j in jobs}))
        rows.append(f"| {fig} | {len(jobs)} | {duration(_total(j.seconds for j in jobs))}{star} | "
                    f"{duration(_total(j.cpu_seconds for j in jobs))} | {megabytes(rss)} | {rules} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--directory", type=Path, default=Path("."), help="the run's working directory")
    parser.add_argument("--results", default="results", help="results folder, relative to the working directory")
    args = parser.parse_args(argv)
    made = jobs_of(args.directory, records(args.directory))
    if not made:
        print(f"error: no Snakemake records under {args.directory / '.snakemake' / 'metadata'}: run this in the "
              "working directory of a finished run (-d)", file=sys.stderr)
        return 1
    from netspectra.papers import figure_ids

    jobs = list({j.log: j for j in made.values()}.values())
    print("## Job time per rule\n")
    print(rule_table(jobs))
    print("\n## Job time per figure (its own job and every job behind its inputs, each once)\n")
    print(figure_table(figure_outputs(made, args.results, list(figure_ids())), made))
    if not all(j.measured for j in jobs):
        print("\n\\* some jobs have no benchmark file: their time is Snakemake's recorded start to end")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Proof that a change alters no result: run one config with two versions of the code and compare.

    python tools/compare_runs.py --base HEAD~1                 # base = a git ref, new = this checkout
    python tools/compare_runs.py --base-dir /tmp/a --new-dir /tmp/b --no-run   # compare finished runs

For each side it checks out the code (``git worktree``), runs ``snakemake --forceall -n`` (the job list: rule
and outputs of every job) and the pipeline itself on ``--configfile`` (default: the tiny test config) with that
side's ``src/`` first on PYTHONPATH, then compares:
- the job lists (same rules producing the same files),
- every Parquet table under results/ (same files; equal columns, dtypes and values, all columns but the
  wall-clock ``seconds`` of training logs),
- their provenance metadata, ignoring only ``code_version`` and ``created`` (the timestamp).
Exits 1 and lists the differences when anything differs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
IGNORED_METADATA = ("code_version", "created")
IGNORED_COLUMNS = ("seconds",)  # wall-clock time of a training interval: differs between any two runs


def checkout(ref: str, where: Path) -> Path:
    """A worktree of ``ref`` at ``where`` (replaced if it exists)."""
    subprocess.run(["git", "worktree", "remove", "--force", str(where)], cwd=REPO, capture_output=True)
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(where), ref], cwd=REPO, check=True,
                   capture_output=True)
    return where


def snakemake(src: Path, workdir: Path, configfile: Path, *args: str) -> str:
    env = os.environ | {"PYTHONPATH": str(src / "src")}
    cmd = ["snakemake", "-s", str(src / "Snakefile"), "-d", str(workdir), "--configfile", str(configfile),
           "--cores", "2", "--max-threads", "1", *args]
    run = subprocess.run(cmd, cwd=src, env=env, capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"snakemake failed in {src} ({' '.join(args)}):\n{run.stderr[-3000:]}")
    return run.stdout + run.stderr


def job_list(dry_run: str) -> list[tuple[str, str]]:
    """(rule, sorted outputs) of every job a dry run lists."""
    jobs = []
    for block in re.split(r"\n(?=(?:local)?rule \S+:)", dry_run):
        rule = re.match(r"(?:local)?rule (\S+):", block)
        out = re.search(r"^\s+output: (.*)$", block, flags=re.M)
        if rule:
            jobs.append((rule.group(1), ", ".join(sorted(out.group(1).split(", "))) if out else ""))
    return sorted(jobs)


def provenance(path: Path) -> dict:
    meta = json.loads((pq.read_schema(path).metadata or {}).get(b"netspectra", b"{}"))
    return {k: v for k, v in meta.items() if k not in IGNORED_METADATA}


def diff(a, b, where: str = "") -> str:
    """The paths at which two JSON-like values differ, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(set(a) | set(b), key=str)
        parts = [diff(a.get(k), b.get(k), f"{where}.{k}") for k in keys if a.get(k) != b.get(k)]
        return "; ".join(p for p in parts if p)
    return f"{where or '.'}: {a!r} -> {b!r}"[:300]


def compare_tables(base: Path, new: Path) -> list[str]:
    """Differences between the Parquet tables under ``base/results`` and ``new/results``."""
    files = {p.relative_to(base) for p in (base / "results").rglob("*.parquet")}
    other = {p.relative_to(new) for p in (new / "results").rglob("*.parquet")}
    problems = [f"only in base: {p}" for p in sorted(files - other)]
    problems += [f"only in new: {p}" for p in sorted(other - files)]
    for rel in sorted(files & other):
        a, b = (pd.read_parquet(side / rel).drop(columns=list(IGNORED_COLUMNS), errors="ignore")
                for side in (base, new))
        try:
            pd.testing.assert_frame_equal(a, b, check_exact=True)
        except AssertionError as error:
            problems.append(f"{rel}: data differ: {str(error).splitlines()[0:3]}")
        a_meta, b_meta = provenance(base / rel), provenance(new / rel)
        if a_meta != b_meta:
            keys = sorted(k for k in set(a_meta) | set(b_meta) if a_meta.get(k) != b_meta.get(k))
            problems.append(f"{rel}: provenance differs in {keys}: {diff(a_meta, b_meta)}")
    print(f"compared {len(files & other)} Parquet tables")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="HEAD", help="git ref of the code before the change (default HEAD)")
    parser.add_argument("--new", default=None, help="git ref of the code after it (default: this working tree)")
    parser.add_argument("--configfile", type=Path, default=REPO / "tests" / "config_tiny.yaml")
    parser.add_argument("--base-dir", type=Path, help="working directory of the base run (default: a temporary one)")
    parser.add_argument("--new-dir", type=Path, help="working directory of the new run")
    parser.add_argument("--no-run", action="store_true", help="compare finished runs in --base-dir and --new-dir")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="compare_runs_"))
    base_dir, new_dir = args.base_dir or scratch / "base_run", args.new_dir or scratch / "new_run"
    base_src = checkout(args.base, scratch / "base_src")
    new_src = checkout(args.new, scratch / "new_src") if args.new else REPO
    problems = []
    jobs = {}
    for side, src, workdir in (("base", base_src, base_dir), ("new", new_src, new_dir)):
        workdir.mkdir(parents=True, exist_ok=True)
        jobs[side] = job_list(snakemake(src, workdir, args.configfile, "-n", "--forceall"))
        if not args.no_run:
            print(f"running the {side} pipeline in {workdir}", flush=True)
            snakemake(src, workdir, args.configfile, "--forceall")
    print(f"job lists: {len(jobs['base'])} jobs (base), {len(jobs['new'])} jobs (new)")
    if jobs["base"] != jobs["new"]:
        problems += [f"job only in base: {j}" for j in sorted(set(jobs["base"]) - set(jobs["new"]))]
        problems += [f"job only in new: {j}" for j in sorted(set(jobs["new"]) - set(jobs["base"]))]
    problems += compare_tables(base_dir, new_dir)
    for side in ("base_src", "new_src"):
        subprocess.run(["git", "worktree", "remove", "--force", str(scratch / side)], cwd=REPO, capture_output=True)
    print("\n".join(problems) if problems else "no differences: same jobs, same tables, same provenance")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

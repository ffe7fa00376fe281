"""tools/job_times.py: job time per rule and per figure from a finished run's benchmark files, following
Snakemake's records from each figure to the jobs behind its inputs, each job counted once per figure."""

import base64
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("job_times", ROOT / "tools" / "job_times.py")
job_times = importlib.util.module_from_spec(spec)
sys.modules["job_times"] = job_times  # its dataclass looks its module up
spec.loader.exec_module(job_times)


def record(workdir: Path, output: str, rule: str, inputs: list[str], log: str, start=0.0, end=1.0):
    name = base64.urlsafe_b64encode(output.encode()).decode()
    path = workdir / ".snakemake" / "metadata" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"rule": rule, "input": inputs, "log": [log], "starttime": start, "endtime": end}))


def benchmark(workdir: Path, log: str, s: float, cpu: float, rss: float):
    path = workdir / log.replace("results/logs/", "results/benchmarks/").replace(".log", ".tsv")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("s\th:m:s\tmax_rss\tcpu_time\n" f"{s}\t0:00:00\t{rss}\t{cpu}\n")


def test_figure_times_sum_the_jobs_behind_each_figure_once(tmp_path, capsys):
    paths = "results/rr/paths/rr-fig5/part000.parquet"
    record(tmp_path, paths, "sample_paths", [], "results/logs/sample_paths/rr-fig5/part000.log")
    benchmark(tmp_path, "results/logs/sample_paths/rr-fig5/part000.log", 100.0, 180.0, 900.0)
    record(tmp_path, "results/rr/spectra/rr-fig5.parquet", "spectra", [paths], "results/logs/spectra/rr-fig5.log")
    benchmark(tmp_path, "results/logs/spectra/rr-fig5.log", 20.0, 19.0, 400.0)
    record(tmp_path, "results/rr/fits/rr-fig5.parquet", "fits", ["results/rr/spectra/rr-fig5.parquet"],
           "results/logs/fits/rr-fig5.log")
    benchmark(tmp_path, "results/logs/fits/rr-fig5.log", 5.0, 4.0, 300.0)
    # rr-fig5 reads the paths and the fits (the sampling job counts once); its PNG and PDF are one job
    for ext in ("png", "pdf"):
        record(tmp_path, f"results/figures/rr-fig5.{ext}", "rr_fig5", [paths, "results/rr/fits/rr-fig5.parquet"],
               "results/logs/rr_fig5.log")
    benchmark(tmp_path, "results/logs/rr_fig5.log", 3.0, 2.0, 250.0)
    # rr-fig16 has no benchmark file: Snakemake's recorded start and end times stand in (marked *)
    record(tmp_path, "results/figures/rr-fig16.png", "rr_fig16", ["results/rr/fits/rr-fig5.parquet"],
           "results/logs/rr_fig16.log", start=10.0, end=14.0)
    assert job_times.main(["-d", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| sample_paths | 1 | 1m40s | 1m40s | 1m40s | 3m00s | 900 |" in out
    assert "| rr-fig5 | 4 | 2m08s | 3m25s | 900 | fits, rr_fig5, sample_paths, spectra |" in out
    assert "| rr-fig16 | 4 | 2m09s* | — | 900 | fits, rr_fig16, sample_paths, spectra |" in out
    assert "| rr-fig1 |" not in out  # no figure files of its own (rr-fig16 is not a panel of rr-fig1)


def test_without_records_it_says_where_to_run(tmp_path, capsys):
    assert job_times.main(["-d", str(tmp_path)]) == 1
    assert "no Snakemake records" in capsys.readouterr().err

"""Parquet tables with provenance in their key-value metadata.

Every table the pipeline writes carries, under the metadata key ``netspectra``, a JSON object with
the rule that wrote it, that job's config, its seed, the versions of the packages that computed it and
the code version (package version plus git commit when run from a checkout).
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import platform
import subprocess
import sys
from importlib import metadata as _md
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__, schemas

META_KEY = b"netspectra"
_PACKAGES = ("torch", "numpy", "scipy", "pandas", "pyarrow", "scikit-learn", "scikit-image", "matplotlib", "snakemake")


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "netspectra": __version__}
    for name in _PACKAGES:
        try:
            versions[name] = _md.version(name)
        except _md.PackageNotFoundError:
            continue
    return versions


def code_version() -> str:
    """Package version, plus the git commit (and '-dirty') of the checkout the code runs from."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return f"{__version__}+g{commit}{'-dirty' if dirty else ''}"
    except (OSError, subprocess.SubprocessError):
        return __version__


def provenance(rule: str, config: Any, seed: int | None) -> dict[str, Any]:
    return {
        "rule": rule,
        "config": config,
        "seed": seed,
        "versions": package_versions(),
        "code_version": code_version(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }


def write_table(df: pd.DataFrame, path: str | os.PathLike, *, schema: str, rule: str, config: Any,
                seed: int | None = None) -> None:
    """Check ``df`` against ``schema`` and write it atomically with provenance metadata."""
    schemas.check(df, schema)
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[META_KEY] = json.dumps(provenance(rule, config, seed) | {"schema": schema}, default=str).encode()
    table = table.replace_schema_metadata(meta)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def read_table(path: str | os.PathLike, schema: str | None = None) -> pd.DataFrame:
    """Read a table; with ``schema``, check its required columns."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"expected Parquet table at {path}")
    df = pd.read_parquet(path)
    if schema is not None:
        schemas.check(df, schema)
    return df


def named_parquet_files(inputs) -> dict[str, list[str]]:
    """``{input name: [Parquet files]}`` of a Snakemake rule's or job's inputs; unnamed files go under ``input``."""
    named, seen = {}, set()
    for name, files in inputs.items():
        files = [files] if isinstance(files, str) else list(files)
        named[name] = [str(f) for f in files if str(f).endswith(".parquet")]
        seen |= set(named[name])
    rest = [str(f) for f in inputs if str(f).endswith(".parquet") and str(f) not in seen]
    if rest:
        named["input"] = rest
    return {name: files for name, files in named.items() if files}


def read_tables(named_files: dict[str, list[str]]) -> dict[str, pd.DataFrame]:
    """``{name: DataFrame}``: the tables of each name concatenated, each checked against the schema it was
    written with (recorded in its provenance); ``attrs["provenance"]`` lists the provenance of its files."""
    tables = {}
    for name, files in named_files.items():
        meta = [read_metadata(f) for f in files]
        tables[name] = pd.concat([read_table(f, m["schema"]) for f, m in zip(files, meta)], ignore_index=True)
        tables[name].attrs["provenance"] = meta
    return tables


def read_metadata(path: str | os.PathLike) -> dict[str, Any]:
    """The provenance object stored with a table."""
    meta = pq.read_schema(path).metadata or {}
    if META_KEY not in meta:
        raise ValueError(f"{path} carries no netspectra provenance metadata")
    return json.loads(meta[META_KEY])


def log_output(log_files: list[str]) -> None:
    """Send this process's stdout and stderr (file descriptors 1 and 2) to ``log_files[0]``, if given.

    Rule scripts call it first, so warnings, progress and tracebacks land in the rule's ``log:`` file. It also
    sends ``logging`` records from INFO up there, time-stamped (progress lines: :mod:`netspectra.progress`).
    """
    if log_files:
        Path(log_files[0]).parent.mkdir(parents=True, exist_ok=True)
        log = open(log_files[0], "w", buffering=1)
        for stream, fd in ((sys.stdout, 1), (sys.stderr, 2)):
            stream.flush()
            os.dup2(log.fileno(), fd)
        sys.stdout.reconfigure(line_buffering=True)  # progress lines appear in the log as they are printed
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", force=True,
                        stream=sys.stderr)

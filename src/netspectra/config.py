"""The pipeline's configuration, checked before any job runs (the Snakefile calls :func:`load_checked_yaml`,
:func:`validate` and :func:`check`; ``python -m netspectra.config FILE ...`` checks config files by hand).

- YAML syntax errors name the file, line and column (:func:`load_yaml`).
- The JSON schema (workflow/schemas/) fills defaults and reports ONE line per problem, naming the key's path
  (``config rr.paths.rr-fig5.n_points: 'many' is not of type 'integer'``); an unknown key lists the keys
  allowed there instead of the whole schema.
- Cross-field checks the schema cannot express: fit ranges inside the spectrum (1 <= k_min < k_max <=
  n_points/2 for every variant's n_points), frequencies below the Nyquist bin, lengths that must agree,
  snapshot steps that must be recorded. Each raises ConfigError naming the key and the valid range.

Snakemake reads the overlays given with ``--configfile`` itself, before the Snakefile runs, and reports a
YAML error there without file or line (``--verbose`` shows them); ``python -m netspectra.config
config/paper.yaml`` names them.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

SECTIONS = ("rr", "sb", "fp", "ff", "report")  # each has its own schema file beside config.schema.yaml
REPO = Path(__file__).resolve().parents[2]


class ConfigError(ValueError):
    """A configuration problem, in one line that names the file or the key."""


# ----------------------------------------------------------------------------------------------- YAML
def load_yaml(path: str | Path) -> Any:
    """The contents of a YAML file; a syntax error names the file, line and column."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark else str(path)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        context, start = getattr(err, "context", None), getattr(err, "context_mark", None)
        if context and start is not None:
            context += f" that starts at line {start.line + 1}, column {start.column + 1}"
        raise ConfigError(f"{where}: YAML syntax error: {problem}" + (f" ({context})" if context else "")) from None


def load_checked_yaml(path: str | Path) -> dict[str, Any]:
    """:func:`load_yaml` of a config file, which must hold a mapping at its top level."""
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a config file holds `key: value` lines at its top level, "
                          f"not a {type(data).__name__}")
    return data


def merge(base: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """``overlay`` merged into a copy of ``base`` recursively, as Snakemake merges --configfile overlays."""
    out = copy.deepcopy(base)
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# ----------------------------------------------------------------------------------------------- schema
def _where(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _allowed_keys(schema: Mapping[str, Any]) -> list[str]:
    keys = list(schema.get("properties", {}))
    for sub in schema.get("allOf", []):
        keys += [k for k in sub.get("properties", {}) if k not in keys]
    return keys


def _message(error) -> str:
    """One line for a jsonschema ValidationError: the key's path, then the problem."""
    where = _where(error.absolute_path)
    prefix = f"config {where}" if where else "config"
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = _allowed_keys(error.schema)
        unknown = [k for k in error.instance if k not in allowed]
        if allowed and unknown:
            names = ", ".join(repr(k) for k in unknown)
            at = f"under {where}" if where else "at the top level"
            return (f"config: unknown key{'s' if len(unknown) > 1 else ''} {names} {at} "
                    f"(allowed: {', '.join(allowed)})")
    return f"{prefix}: {error.message}"


def _validator(schema_file: Path):
    """A Draft 2020-12 validator of ``schema_file`` that fills defaults while it validates (as Snakemake's
    ``validate``), resolving relative ``$ref`` to the schema files beside it."""
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    from jsonschema import Draft202012Validator, validators
    from referencing import Registry, Resource

    schema = load_yaml(schema_file)
    schema["$id"] = schema_file.resolve().as_uri()

    def retrieve(uri):
        return Resource.from_contents(load_yaml(url2pathname(urlparse(uri).path)))

    registry = Registry(retrieve=retrieve).with_resource(uri=schema["$id"], resource=Resource.from_contents(schema))
    properties = Draft202012Validator.VALIDATORS["properties"]

    def set_defaults(validator, props, instance, sub):
        if isinstance(instance, dict):
            for name, subschema in props.items():
                if isinstance(subschema, Mapping) and "default" in subschema:
                    instance.setdefault(name, copy.deepcopy(subschema["default"]))
        yield from properties(validator, props, instance, sub)

    return validators.extend(Draft202012Validator, {"properties": set_defaults})(schema, registry=registry)


def validate(config: dict[str, Any], schema_dir: str | Path = REPO / "workflow" / "schemas") -> None:
    """Check ``config`` against config.schema.yaml and fill the schema's defaults (in place); then each
    paper's section against its own schema file once more, which fills that section's defaults (defaults
    are not applied through a ``$ref`` into another file). Raises ConfigError with one line."""
    from jsonschema.exceptions import best_match

    schema_dir = Path(schema_dir)
    config.setdefault("report", {})  # optional section: its defaults (every claim checked) still apply
    steps = [(config, schema_dir / "config.schema.yaml", ())]
    steps += [(config[s], schema_dir / f"{s}.schema.yaml", (s,)) for s in SECTIONS if isinstance(config.get(s), dict)]
    for instance, schema_file, prefix in steps:
        error = best_match(_validator(schema_file).iter_errors(instance))
        if error is not None:
            error.path.extendleft(reversed(prefix))
            raise ConfigError(_message(error))


# ----------------------------------------------------------------------------------------------- cross-field
def _grid_values(experiment: Mapping[str, Any], key: str) -> list[Any]:
    """The values ``key`` takes over an rr path experiment's variants (its grid, or the fixed value)."""
    return list(experiment.get("grid", {}).get(key, [experiment.get(key)]))


def check_fit_range(where: str, fit: Mapping[str, Any], n_points: int) -> None:
    """1 <= k_min < k_max <= n_points/2 (the spectrum of an n-point path has bins k = 1 … n/2; k_max null =
    n_points/4, at least 2)."""
    k_min, k_max = fit.get("k_min", 1), fit.get("k_max")
    nyquist = n_points // 2
    if k_max is not None and k_max > nyquist:
        raise ConfigError(f"config {where}.fit.k_max {k_max} exceeds n_points/2 = {nyquist}, the highest frequency "
                          f"of a {n_points}-point path")
    used = k_max if k_max is not None else max(2, n_points // 4)
    if not 1 <= k_min < used:
        default = "" if k_max is not None else f" (k_max null = n_points/4 = {used} for n_points {n_points})"
        raise ConfigError(f"config {where}.fit.k_min {k_min} must be at least 1 and below k_max {used}{default}")


def _below_nyquist(where: str, frequencies: Iterable[int], n_points: int) -> None:
    bad = [k for k in frequencies if 2 * k >= n_points]
    if bad:
        raise ConfigError(f"config {where} {bad} must lie below n_points/2 = {n_points / 2:g}")


def check_rr(rr: Mapping[str, Any]) -> None:
    for exp_id, exp in rr.get("paths", {}).items():
        for n_points in _grid_values(exp, "n_points"):
            check_fit_range(f"rr.paths.{exp_id}", exp.get("fit", {}), n_points)
    if "fig1" in rr:
        check_fit_range("rr.fig1", rr["fig1"].get("fit", {}), rr["fig1"].get("n_points", 100))
        for key in ("slopes", "nus"):
            values = rr["fig1"].get(key, [])
            if values and (min(values) != 0 or max(values) != 1):
                raise ConfigError(f"config rr.fig1.{key} {values} must hold 0 and 1 (the panel's corners)")
    if "fig6" in rr:
        fig6 = rr["fig6"]
        if fig6.get("n_bins", 10) > fig6.get("n_points", 100) // 2:
            raise ConfigError(f"config rr.fig6.n_bins {fig6['n_bins']} exceeds n_points/2 = "
                              f"{fig6.get('n_points', 100) // 2} frequency bins")


def check_sb(sb: Mapping[str, Any]) -> None:
    for name in ("fig1", "fig5", "fig3", "fig4", "fig10"):
        if name in sb:
            _below_nyquist(f"sb.{name}.frequencies", sb[name]["frequencies"], sb[name]["n_points"])
    if "decision_maps" in sb:
        n = sb["decision_maps"]["n_points"]
        if "fig2" in sb:
            _below_nyquist("sb.fig2.frequency", [sb["fig2"]["frequency"]], n)
        if "fig10" in sb:
            _below_nyquist("sb.fig10.spectrum.frequency", [sb["fig10"]["spectrum"]["frequency"]], n)
    fig1 = sb.get("fig1")
    if fig1 is None:
        return
    if len(fig1["amplitudes"]) > 10:
        raise ConfigError("config sb.fig1.amplitudes: at most 10 settings (panels a–j)")
    for setting, amps in fig1["amplitudes"].items():
        if len(amps) != len(fig1["frequencies"]):
            raise ConfigError(f"config sb.fig1.amplitudes.{setting} has {len(amps)} entries, frequencies "
                              f"{len(fig1['frequencies'])}")
    late = [s for s in fig1.get("snapshot_steps", []) if s > fig1["n_steps"]]
    if late:
        raise ConfigError(f"config sb.fig1.snapshot_steps {late} exceed n_steps = {fig1['n_steps']}")


def check_fp(fp: Mapping[str, Any]) -> None:
    for name in ("image", "image_fig5", "flipped", "wide"):
        exp = fp.get(name)
        if exp is None:
            continue
        if exp.get("image_file") is not None and not Path(exp["image_file"]).exists():
            raise ConfigError(f"config fp.{name}.image_file: no file at {exp['image_file']}")
        if "row" in exp and exp["row"] >= exp["image_size"]:
            raise ConfigError(f"config fp.{name}.row {exp['row']} must be < image_size {exp['image_size']}")
        for step in exp.get("snapshot_steps", []):
            if step > exp["n_steps"] or step % exp["record_every"]:
                raise ConfigError(f"config fp.{name}.snapshot_steps: {step} must be a multiple of record_every "
                                  f"({exp['record_every']}) and <= n_steps ({exp['n_steps']})")
        if exp.get("target") == "sine_sum" and len(exp["angular_frequencies"]) != len(exp["amplitudes"]):
            raise ConfigError(f"config fp.{name}: angular_frequencies and amplitudes differ in length")
        if exp.get("target") == "flipped_ramp" and exp["n_points"] % 2:
            raise ConfigError(f"config fp.{name}.n_points must be even for the flipped DFT, got {exp['n_points']}")


def check_ff(ff: Mapping[str, Any]) -> None:
    fig4 = ff.get("fig4")
    if fig4 is not None and len(fig4["dense_exponents"]) != len(fig4["signal_exponents"]):
        raise ConfigError("config ff.fig4: dense_exponents needs one entry per signal_exponents entry")
    fig3 = ff.get("fig3")
    if fig3 is not None:
        bad = [k for k in fig3.get("residual_frequencies", []) if k > fig3["n_train"] // 2]
        if bad:
            raise ConfigError(f"config ff.fig3.residual_frequencies {bad} exceed n_train/2 = {fig3['n_train'] // 2}, "
                              "the highest frequency of the training residual")


def check(config: Mapping[str, Any]) -> None:
    """Cross-field checks of a validated config (defaults filled); raises ConfigError naming the key."""
    for section, checker in (("rr", check_rr), ("sb", check_sb), ("fp", check_fp), ("ff", check_ff)):
        if isinstance(config.get(section), Mapping):
            checker(config[section])
    fp_dataset = config.get("fp", {}).get("mnist", {}).get("dataset")
    if fp_dataset == "mnist" and config.get("data_dir") is None:
        raise ConfigError("config fp.mnist.dataset is 'mnist' but data_dir is null (use dataset: digits, or set "
                          "data_dir to the folder with the MNIST IDX files)")


# ----------------------------------------------------------------------------------------------- data
def _enabled(rr: Mapping[str, Any], fig: str) -> bool:
    return fig in rr and rr[fig].get("enabled", True)


def dataset_users(config: Mapping[str, Any]) -> dict[str, list[str]]:
    """``{dataset: [config keys of the experiments that read it from data_dir]}`` (cifar10, cifar100, mnist;
    the stand-ins shipped with scikit-learn are left out): every rr path experiment and section with a
    ``dataset``, the rr training experiments that enabled figures or path checkpoints use, sb.fig7,
    sb.fig8_9 and fp.mnist."""
    from .datafiles import SHIPPED

    users: dict[str, list[str]] = {}
    rr = config.get("rr", {})
    for exp_id, exp in rr.get("paths", {}).items():
        users.setdefault(exp.get("dataset", "cifar10"), []).append(f"rr.paths.{exp_id}")
    for key, section in rr.items():
        if isinstance(section, Mapping) and "dataset" in section:
            users.setdefault(section["dataset"], []).append(f"rr.{key}")
    training = rr.get("training", {})
    trained = {rr[f]["training"] for f in ("fig8", "fig10", "fig9") if _enabled(rr, f) and "training" in rr[f]}
    trained |= {e["checkpoint"]["training"] for e in rr.get("paths", {}).values() if "checkpoint" in e}
    for exp_id in sorted(trained):
        exp = training.get("experiments", {}).get(exp_id)
        if exp is not None:  # an unknown reference is reported by the rule files, naming the known ones
            recipe = dict(training.get("recipe", {})) | exp.get("recipe", {})
            users.setdefault(recipe.get("dataset", "cifar10"), []).append(f"rr.training.experiments.{exp_id}")
    for name in ("fig7", "fig8_9"):
        if "dataset" in config.get("sb", {}).get(name, {}):
            users.setdefault(config["sb"][name]["dataset"], []).append(f"sb.{name}")
    if "dataset" in config.get("fp", {}).get("mnist", {}):
        users.setdefault(config["fp"]["mnist"]["dataset"], []).append("fp.mnist")
    return {ds: who for ds, who in sorted(users.items()) if ds not in SHIPPED}


def _ff_image_files(config: Mapping[str, Any]) -> list[tuple[str, Path]]:
    """``(config key, path)`` of every image file ff.fig1 reads (sources ``file`` and ``npz``)."""
    out = []
    for i, image in enumerate(config.get("ff", {}).get("fig1", {}).get("images", [])):
        if image.get("source") in ("file", "npz") and "path" in image:
            path = Path(image["path"])
            if not path.is_absolute() and config.get("data_dir"):
                path = Path(config["data_dir"]) / path
            out.append((f"ff.fig1.images[{i}]", path))
    return out


def missing_data(config: Mapping[str, Any]) -> list[str]:
    """One line per dataset (or image file) that enabled experiments read and ``data_dir`` lacks: the dataset,
    the config keys that need it and the missing files. Empty without ``data_dir`` (the shipped stand-ins
    replace the datasets) except for image files."""
    from .datafiles import missing_files

    lines = []
    data_dir = config.get("data_dir")
    if data_dir is not None:
        for ds, who in dataset_users(config).items():
            missing = missing_files(ds, data_dir)
            if missing:
                lines.append(f"{ds} (for {', '.join(who)}): missing {', '.join(map(str, missing))}")
    images: dict[Path, list[str]] = {}
    for where, path in _ff_image_files(config):
        if not path.exists():
            images.setdefault(path, []).append(where)
    lines += [f"image file {path} (for {', '.join(who)}): missing" for path, who in images.items()]
    return lines


def missing_data_warning(config: Mapping[str, Any]) -> str | None:
    """The parse-time warning about data the configured experiments read and ``data_dir`` lacks (None when
    nothing is missing). Not an error: ``snakemake -n`` previews the job list without the data, and jobs
    that need no data still run; a job that reads a missing dataset fails naming its files."""
    lines = missing_data(config)
    if not lines:
        return None
    return (f"warning: data_dir {config.get('data_dir')!r} lacks data that configured experiments read; the jobs "
            "that read it will fail (nothing is downloaded: put the files there, or set data_dir: null for "
            "scikit-learn's stand-ins):\n" + "\n".join(f"  {line}" for line in lines))


def main(argv: list[str] | None = None) -> int:
    """``python -m netspectra.config [OVERLAY ...]``: config.yaml with the overlays merged in order, checked."""
    overlays = list(sys.argv[1:] if argv is None else argv)
    try:
        config = load_checked_yaml(REPO / "config.yaml")
        for path in overlays:
            config = merge(config, load_checked_yaml(path))
        validate(config)
        check(config)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    warning = missing_data_warning(config)
    if warning:
        print(warning, file=sys.stderr)
    print(f"config ok: config.yaml{''.join(' + ' + p for p in overlays)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

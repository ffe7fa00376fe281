# netspectra: every figure of four papers on the spectra of neural-network functions.
# Thin on purpose: config, its validation, and the rule files. The science lives in src/netspectra.
import os

from snakemake.utils import min_version, validate

min_version("8.0")


configfile: os.path.join(workflow.basedir, "config.yaml")


validate(config, "workflow/schemas/config.schema.yaml")
# Each paper's section once more against its own schema file: this fills that section's defaults
# (defaults are not applied through a $ref into another file).
for section in ("rr", "sb", "fp", "ff"):
    if section in config:
        validate(config[section], f"workflow/schemas/{section}.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/rr_chebyshev.smk"
include: "workflow/rules/rr_paths.smk"
include: "workflow/rules/rr_figures.smk"
include: "workflow/rules/rr_training.smk"
include: "workflow/rules/rr_weightspace.smk"
include: "workflow/rules/ff.smk"
include: "workflow/rules/fp.smk"
include: "workflow/rules/sb.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        all_figures,

# netspectra: every figure of four papers on the spectra of neural-network functions.
# Thin on purpose: config, its validation, and the rule files. The science lives in src/netspectra.
import os

from snakemake.utils import min_version, validate

min_version("8.0")


configfile: os.path.join(workflow.basedir, "config.yaml")


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/rr_chebyshev.smk"
include: "workflow/rules/rr_paths.smk"
include: "workflow/rules/rr_figures.smk"


rule all:
    default_target: True
    input:
        all_figures,

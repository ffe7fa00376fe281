# netspectra: every figure of four papers on the spectra of neural-network functions.
# Thin on purpose: config, its validation, and the rule files. The science lives in src/netspectra.
import os

from snakemake.logging import logger
from snakemake.utils import min_version

from netspectra import config as netspectra_config

min_version("8.0")

# Bad input stops here, before any job, in one line naming the file and line or the key and its path
# (src/netspectra/config.py): YAML syntax, the schema (filling its defaults), cross-field checks.
netspectra_config.load_checked_yaml(os.path.join(workflow.basedir, "config.yaml"))


configfile: os.path.join(workflow.basedir, "config.yaml")


netspectra_config.validate(config, os.path.join(workflow.basedir, "workflow", "schemas"))
netspectra_config.check(config)
# Data the experiments read and data_dir lacks: a warning, so that `snakemake -n` previews the job list without
# the data; a job that reads a missing dataset fails naming its files.
if (_missing_data := netspectra_config.missing_data_warning(config)) is not None:
    logger.warning(_missing_data)


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

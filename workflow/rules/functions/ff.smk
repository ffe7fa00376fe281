# Functions of workflow/rules/ff.smk (kept apart from its rules, as snakemake --lint asks).
import glob
import importlib.util
import os


def ff_image_inputs(wildcards):
    """The image files ff.fig1 reads that exist (inputs, so replacing one reruns the job). A missing one is
    left out, so that `snakemake -n` previews the jobs without the data: the Snakefile warns about it
    (netspectra.config.missing_data) and the job fails naming it. A scikit-image sample that is not shipped
    inside the installed package fails while the DAG is built. Runs only when ff-fig1 is requested."""
    spec = importlib.util.find_spec("skimage")
    skimage_data = os.path.join(os.path.dirname(spec.origin), "data") if spec else None
    files = []
    for i, image in enumerate(FF["fig1"]["images"]):
        where = f"ff.fig1.images[{i}]"
        if image["source"] == "skimage":
            if "name" not in image:
                raise ValueError(f"{where}: source skimage needs a 'name'")
            if skimage_data is None or not glob.glob(os.path.join(skimage_data, image["name"] + ".*")):
                raise ValueError(
                    f"{where}: scikit-image sample {image['name']!r} is not shipped inside the installed "
                    f"package (expected {skimage_data}/{image['name']}.*); no download is attempted"
                )
            continue
        if "path" not in image:
            raise ValueError(f"{where}: source {image['source']} needs a 'path'")
        path = image["path"]
        if not os.path.isabs(path) and config.get("data_dir"):
            path = os.path.join(config["data_dir"], path)
        if os.path.exists(path):
            files.append(path)
    return sorted(set(files))

"""The Snakemake HTML report, built from a tiny pipeline run and opened in headless Chromium.

How the browser check works: the report is one self-contained HTML page whose React app keeps every result
(figures as data URIs) in the global ``results`` and shows a figure only when it is selected. The test copies
the page, appends a script that selects every image result in the app (as a click on its view button does),
waits until the app's ``<img>`` has loaded (``complete`` with a natural width, polled on timers, which
headless Chromium's virtual time fast-forwards) and records its natural size into a ``<pre id="image-check">``;
``chromium --headless --dump-dom`` then prints the DOM after the scripts ran and the test reads the sizes
back. A second Chromium run takes a screenshot of the same page. No WebDriver or CDP client is needed.

Captions of every figure, not only the few built here, are rendered at every scale without Chromium (as
Snakemake renders them: Jinja2 with the config, then docutils), because a caption naming a config key that
does not exist breaks the whole report.
"""

import base64
import html
import json
import os
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import matplotlib.image
import pytest
import yaml
from conftest import run_tiny
from helpers import deep_merge

from netspectra import io, papers

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "config_tiny.yaml"
FIGURES = ("rr-fig2", "rr-fig18", "fp-fig6")  # quick to build at tiny scale; two papers
TARGETS = [f"results/figures/{f}.png" for f in FIGURES] + ["results/claims.parquet"]
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                  "--virtual-time-budget=60000"]

CHECK_SCRIPT = """
<script>
(async () => {
  const sizes = {};
  const pause = () => new Promise(resolve => setTimeout(resolve, 20));
  for (let i = 0; i < 500 && typeof app === "undefined"; i++) await pause();   // React mounts the app async
  for (const [path, entry] of Object.entries(results)) {
    if (!entry.mime_type.startsWith("image/")) continue;
    app.setView({content: "img", contentPath: entry.data_uri});   // what the result's view button does
    let img;
    for (let i = 0; i < 200 && !img; i++) {
      await pause();
      img = Array.from(document.querySelectorAll("#app img")).find(el => el.src === entry.data_uri);
    }
    if (!img) { sizes[path] = [-1, -1]; continue; }
    for (let i = 0; i < 200 && !(img.complete && img.naturalWidth > 0); i++) await pause();  // decoded, or gave up
    sizes[path] = [img.naturalWidth, img.naturalHeight];
  }
  const first = Object.keys(categories).sort()[0];
  app.showCategory(first);
  const shown = Object.values(results).find(entry => entry.mime_type.startsWith("image/"));
  if (shown) app.setView({content: "img", contentPath: shown.data_uri});
  const pre = document.createElement("pre");
  pre.id = "image-check";
  pre.textContent = JSON.stringify(sizes);
  document.body.appendChild(pre);
})();
</script>
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("report")
    overlay = workdir / "claims_subset.yaml"
    overlay.write_text(yaml.safe_dump({"report": {"claims_figures": list(FIGURES)}}))
    run_tiny(workdir, *TARGETS, overlays=(overlay,))
    run_tiny(workdir, "--report", str(workdir / "report.html"), *TARGETS, overlays=(overlay,))
    return workdir


def report_data(page: str, name: str):
    """A global the report page defines as ``var <name> = <JSON>;`` in its own script element."""
    match = re.search(rf'<script id="{name}">\s*var {name} = (.*?);\s*</script>', page, flags=re.S)
    assert match, f"report has no {name} data"
    return json.loads(match.group(1))


def chromium(*args, timeout=180):
    if CHROMIUM is None:
        if os.environ.get("NETSPECTRA_REQUIRE_CHROMIUM"):
            pytest.fail("NETSPECTRA_REQUIRE_CHROMIUM is set but no chromium executable is on PATH")
        pytest.skip("Chromium not found: install Debian's chromium package (apt-get install -y chromium; .ci/run does)")
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, *args], capture_output=True, text=True, timeout=timeout)


def test_every_figure_image_loads_in_chromium(report):
    page = (report / "report.html").read_text()
    results = report_data(page, "results")
    images = {path for path, entry in results.items() if entry["mime_type"].startswith("image/")}
    assert {f"results/figures/{f}.png" for f in FIGURES} <= images
    check = report / "check.html"
    head, tail = page.rsplit("</body>", 1)  # the last one: bundled libraries contain the string too
    check.write_text(head + CHECK_SCRIPT + "</body>" + tail)
    dom = chromium("--dump-dom", check.as_uri())
    found = re.search(r'<pre id="image-check">(.*?)</pre>', dom.stdout, flags=re.S)
    assert found, f"the check script did not finish: {dom.stderr[-2000:]}"
    sizes = json.loads(html.unescape(found.group(1)))
    assert set(sizes) == images
    for path, (width, height) in sizes.items():
        assert width > 0 and height > 0, f"{path} did not load in the browser ({width}×{height})"

    shot = report / "screenshot.png"
    chromium(f"--screenshot={shot}", "--window-size=1280,900", check.as_uri())
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (900, 1280)
    assert pixels[..., :3].std() > 0.02, "the screenshot is blank"


def test_figures_are_filed_under_their_paper_with_captions(report):
    page = (report / "report.html").read_text()
    results, categories = report_data(page, "results"), report_data(page, "categories")
    place = {fig: [(cat, sub) for cat, subs in categories.items() for sub, paths in subs.items()
                   if f"results/figures/{fig}.png" in json.dumps(paths)] for fig in FIGURES}
    for fig, where in place.items():
        assert len(where) == 1, (fig, where)
        category, subcategory = where[0]
        assert category == papers.title(fig) and subcategory == fig
        caption = results[f"results/figures/{fig}.png"]["caption"]
        assert "tiny" in caption, f"{fig}: caption does not give the scale"
        assert "claim" in caption.lower(), f"{fig}: caption does not state the paper's claim"
    assert "Paper claims" in categories


def test_claims_table_is_in_the_report_and_lists_every_figure(report):
    page = (report / "report.html").read_text()
    results = report_data(page, "results")
    entry = results["results/claims.html"]
    assert entry["mime_type"] == "text/html"
    header, data = entry["data_uri"].split(",", 1)
    shown = base64.b64decode(data).decode() if header.endswith(";base64") else urllib.parse.unquote(data)
    assert all(f">{fig}<" in shown for fig in papers.figure_ids())
    table = io.read_table(report / "results/claims.parquet", "claims")
    assert list(dict.fromkeys(table.figure)) == list(papers.figure_ids())
    checked = table[table.figure.isin(FIGURES)]
    assert checked.statistic.ne("not evaluated").all() and checked.holds.notna().all(), checked
    assert (table.scale == "tiny").all()
    rest = table[~table.figure.isin(FIGURES)]
    assert rest.holds.isna().all() and rest.note.str.contains("report.claims_figures").all()


# ------------------------------------------------------------------------------ captions at every scale
def validated_config(*overlays):
    """The config as the Snakefile sees it: overlays merged over config.yaml, schema defaults filled in."""
    from snakemake.utils import validate

    config = yaml.safe_load((REPO / "config.yaml").read_text())
    for overlay in overlays:
        config = deep_merge(config, yaml.safe_load(overlay.read_text()))
    schemas = REPO / "workflow" / "schemas"
    validate(config, str(schemas / "config.schema.yaml"))
    for section in ("rr", "sb", "fp", "ff", "report"):
        if section in config:
            validate(config[section], str(schemas / f"{section}.schema.yaml"))
    return config


@pytest.mark.parametrize("scale", ["quick", "tiny", "paper"])
def test_every_caption_renders(scale):
    from docutils.core import publish_parts
    from jinja2 import Environment, Undefined

    overlays = {"quick": [], "tiny": [TINY], "paper": [REPO / "config" / "paper.yaml"]}[scale]
    config = validated_config(*overlays)

    class Snakemake:  # what a caption sees: the config, and the params figure_params (common.smk) adds
        class params:  # noqa: N801
            captions = {f: {"paper": papers.title(f), "claim": papers.figure(f).claim, "data": papers.figure(f).data}
                        for f in papers.figure_ids()}

    class MissingKey(Undefined):
        """Printing a missing key or attribute fails (Snakemake would print nothing); an inline ``if`` without
        ``else`` that is false still prints nothing."""

        def __str__(self):
            if self._undefined_name is not None:
                self._fail_with_undefined_error()
            return ""

    Snakemake.config = config
    env = Environment(trim_blocks=True, lstrip_blocks=True, undefined=MissingKey)
    captions = sorted((REPO / "workflow" / "report").glob("*.rst"))
    assert {f"{fig}.rst" for fig in papers.figure_ids() if fig != "rr-fig10"} <= {c.name for c in captions}
    broken = []
    for caption in captions:
        try:
            text = env.from_string(caption.read_text()).render(snakemake=Snakemake)
            body = publish_parts(text, writer="html", settings_overrides={"report_level": 2, "halt_level": 2})
            assert body["body"].strip()
        except Exception as error:  # noqa: BLE001 (collect every broken caption)
            broken.append(f"{caption.name}: {type(error).__name__}: {error}")
    assert not broken, "captions that break the report:\n" + "\n".join(broken)

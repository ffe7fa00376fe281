import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from netspectra import style  # noqa: E402


def figure_with_a_legend_outside() -> plt.Figure:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([1, 2, 3], label="a long legend entry outside the axes")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    ax.set_xlabel("t")
    return fig


def test_save_crops_both_files_as_matplotlibs_tight_bbox(tmp_path):
    reference = figure_with_a_legend_outside()
    reference.savefig(tmp_path / "tight.png", dpi=150, bbox_inches="tight")
    plt.close(reference)
    style.save(figure_with_a_legend_outside(), tmp_path / "f.png")
    ours, tight = (np.array(Image.open(tmp_path / f).size) for f in ("f.png", "tight.png"))
    assert np.abs(ours - tight).max() <= 2, (ours, tight)
    assert ours[0] > 1.5 * 3 * 150  # the legend beside the 3-inch figure is kept
    mediabox = (tmp_path / "f.pdf").read_bytes().split(b"/MediaBox")[1].split(b"]")[0]
    width, height = (float(v) for v in mediabox.strip(b" [").split()[2:])
    assert abs(width * 150 / 72 - ours[0]) <= 3 and abs(height * 150 / 72 - ours[1]) <= 3

"""One page per item (matplotlib, Agg): the paper-vs-ours table above the item's figure, saved as
PDF and PNG. The default figure puts the paper's and our value of each row side by side."""
import numpy as np

from engine.atomic import atomic_output


def fmt(value):
    """A table cell: '-' for a value the paper lacks, 4 significant digits for a float."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


PAGE = (8.27, 11.69)  # A4 portrait, inches


def write_page(item, document, pdf_path, png_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=PAGE)
    table_height = 0.07 * (len(document["rows"]) + 1)  # the table's rows set its share of the page
    grid = fig.add_gridspec(3, 1, height_ratios=[table_height, 1.2, 0.45], hspace=0.25, left=0.08, right=0.96,
                            top=0.93, bottom=0.04)
    fig.suptitle(f"{document['id']} - {document['title']}\n{document['paper']}; scale {document['scale']}, "
                 f"{document['seconds']:.0f} s", fontsize=10)
    table_ax = fig.add_subplot(grid[0])
    table_ax.axis("off")
    keys = list(dict.fromkeys(k for r in document["rows"] for k in r["ours"]))
    cells = [[r["name"]] + [f"{fmt(r['paper'].get(k))} / {fmt(r['ours'].get(k))}" if k in r["ours"] else ""
                            for k in keys] for r in document["rows"]]
    table = table_ax.table(cellText=cells, colLabels=["row"] + [f"{k}\npaper / ours" for k in keys], loc="upper center",
                           cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(7 if len(cells) < 14 else 6)
    table.scale(1, 1.35)
    (item.figure or default_figure)(fig, grid[1], document)
    notes_ax = fig.add_subplot(grid[2])
    notes_ax.axis("off")
    import textwrap

    notes_ax.text(0, 1, "\n".join(textwrap.fill(f"- {note}", 120) for note in document.get("notes", [])),
                  fontsize=6.5, va="top", family="sans-serif")
    for path, kind, dpi in ((pdf_path, "pdf", None), (png_path, "png", 90)):
        with atomic_output(path) as tmp:
            fig.savefig(tmp, format=kind, dpi=dpi)
    plt.close(fig)


def default_figure(fig, spec, document):
    """Paper vs ours, one pair of bars per row and metric (the item's figure_metric, else every
    numeric metric); a log scale when the values span more than two decades."""
    from engine.reproduce.registry import get_item

    metric = get_item(document["id"]).figure_metric
    labels, paper, ours = [], [], []
    for r in document["rows"]:
        for key in ([metric] if metric else list(r["ours"])):
            if isinstance(r["ours"].get(key), (int, float)):
                labels.append(r["name"] if metric else f"{r['name']}\n{key}")
                paper.append(np.nan if r["paper"].get(key) is None else r["paper"][key])
                ours.append(r["ours"][key])
    ax = fig.add_subplot(spec)
    x = np.arange(len(labels))
    ax.bar(x - 0.2, paper, 0.4, label="paper", color="tab:gray")
    ax.bar(x + 0.2, ours, 0.4, label="ours", color="tab:blue")
    positive = [v for v in paper + ours if np.isfinite(v) and v > 0]
    if positive and max(positive) / min(positive) > 100:
        ax.set_yscale("log")
    ax.set_xticks(x, labels, fontsize=7, rotation=20 if len(labels) > 4 else 0)
    ax.set_ylabel(metric or "value", fontsize=8)
    ax.legend(fontsize=8)
    ax.set_title(f"{metric or 'values'}: paper (grey, missing where it has none) vs ours", fontsize=9)

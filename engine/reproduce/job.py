"""The reproduce job: runs one registered item at a scale and writes OUT/ID.json, OUT/ID.pdf and
OUT/ID.png (the table beside the paper's values, and the item's figure, on one page)."""
import json
import os
import time

from engine.atomic import atomic_output
from engine.errors import InputError
from engine.jobs import StageState
from engine.reproduce.page import fmt
from engine.reproduce.registry import PAPERS, get_item, sizes_for


def reproduce_job(params, state):
    """params: id, scale (tiny|quick|paper, default quick), device (auto|cpu|cuda), out (folder).
    Returns the ID.json dict, with "files" (the paths written) added."""
    item = get_item(params["id"])
    scale = params.get("scale") or "quick"
    sizes = sizes_for(item, scale)
    out = os.path.abspath(params["out"])
    if os.path.exists(out) and not os.path.isdir(out):
        raise InputError(params["out"], "not a folder")
    started, cpu_started = time.monotonic(), time.process_time()
    result = item.run(dict(params, scale=scale, sizes=sizes, out=out), StageState(state, 0.0, 0.95, item.id))
    state.progress(0.95, "writing the table")
    document = {"id": item.id, "title": item.title, "paper": PAPERS[item.paper], "scale": scale,
                "device": params.get("device") or "auto", **result,
                "seconds": round(time.monotonic() - started, 1),
                "cpu_seconds": round(time.process_time() - cpu_started, 1)}
    paths = {"json": os.path.join(out, f"{item.id}.json"), "pdf": os.path.join(out, f"{item.id}.pdf"),
             "png": os.path.join(out, f"{item.id}.png")}
    with atomic_output(paths["json"]) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        json.dump(document, fh, indent=2)
        fh.write("\n")
    from engine.reproduce.page import write_page

    write_page(item, document, paths["pdf"], paths["png"])
    state.progress(1.0, "done")
    return dict(document, files=paths)


def format_rows(document):
    """The table as text lines: name, then paper -> ours per value."""
    lines = [f"{document['id']} ({document['scale']}): {document['title']}"]
    for r in document["rows"]:
        values = "  ".join(f"{key} {fmt(r['paper'].get(key))} -> {fmt(r['ours'].get(key))}" for key in r["ours"])
        lines.append(f"  {r['name']:<40} {values}")
    return lines

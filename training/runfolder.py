"""A training run folder: run.json, metrics.jsonl, checkpoints (safetensors + JSON sidecar), previews.

Checkpoints are `checkpoint-STEP.safetensors` with `checkpoint-STEP.json` written *after*
it; a checkpoint counts only when both exist, so a run killed mid-write resumes from the
previous one. Every file is written to a temporary name in the folder and `os.replace`d.
Nothing is pickled: tensors go to safetensors, everything else to JSON. Reading goes
through training/files.py, which refuses what is not a regular file, too large, too deeply
nested or (safetensors) inconsistent with its header.
"""
import glob
import json
import os
import re
import time

from training import files, tool_version

KEEP_CHECKPOINTS = 2
_CKPT = re.compile(r"checkpoint-(\d+)\.json$")


def write_json_atomic(path, data):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
        fh.write("\n")
    os.replace(tmp, path)


class RunFolder:
    def __init__(self, path):
        self.path = os.path.abspath(path)

    def file(self, name):
        return os.path.join(self.path, name)

    # --- run.json ------------------------------------------------------------------

    def exists(self):
        return os.path.exists(self.file("run.json"))

    def read(self):
        return files.read_json(self.file("run.json"))

    def update(self, **fields):
        """Merges fields into run.json (creating the folder and file on first use)."""
        os.makedirs(self.path, exist_ok=True)
        data = self.read() if self.exists() else {"tool_version": tool_version(), "created": time.time()}
        data.update(fields)
        data["updated"] = time.time()
        write_json_atomic(self.file("run.json"), data)
        return data

    # --- metrics.jsonl -------------------------------------------------------------

    def append_metrics(self, record):
        os.makedirs(self.path, exist_ok=True)
        with open(self.file("metrics.jsonl"), "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")

    def read_metrics(self):
        if not os.path.exists(self.file("metrics.jsonl")):
            return []
        text = files.read_regular(self.file("metrics.jsonl"), files.MAX_JSON_BYTES * 8).decode("utf-8", "replace")
        return [files.parse_json(line, "metrics.jsonl") for line in text.splitlines() if line.strip()]

    def truncate_metrics(self, after_step):
        """Drops metric lines logged after a step (a resumed run replays them)."""
        kept = [r for r in self.read_metrics() if r.get("step", 0) <= after_step]
        tmp = self.file(f"metrics.jsonl.tmp{os.getpid()}")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in kept)
        os.replace(tmp, self.file("metrics.jsonl"))

    # --- checkpoints ---------------------------------------------------------------

    def checkpoint_steps(self):
        steps = []
        for sidecar in glob.glob(self.file("checkpoint-*.json")):
            match = _CKPT.search(sidecar)
            if match and os.path.exists(sidecar[: -len(".json")] + ".safetensors"):
                steps.append(int(match.group(1)))
        return sorted(steps)

    def save_checkpoint(self, step, tensors, sidecar):
        from safetensors.torch import save_file

        os.makedirs(self.path, exist_ok=True)
        base = self.file(f"checkpoint-{step:08d}")
        tmp = f"{base}.safetensors.tmp{os.getpid()}"
        save_file({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, tmp,
                  metadata={"step": str(step)})
        os.replace(tmp, base + ".safetensors")
        write_json_atomic(base + ".json", dict(sidecar, step=step, tool_version=tool_version()))
        for old in self.checkpoint_steps()[:-KEEP_CHECKPOINTS]:
            for ext in (".json", ".safetensors"):
                os.remove(self.file(f"checkpoint-{old:08d}{ext}"))

    def load_checkpoint(self, step=None):
        """(tensors, sidecar) of a checkpoint (the latest by default), or None when there is none;
        files.UnsafeRunFile when a file is not what a checkpoint should be."""
        from safetensors.torch import load

        steps = self.checkpoint_steps()
        if not steps:
            return None
        step = steps[-1] if step is None else step
        base = self.file(f"checkpoint-{step:08d}")
        sidecar = files.read_json(base + ".json")
        data = files.read_regular(base + ".safetensors", files.MAX_CHECKPOINT_BYTES)
        files.check_safetensors(data, os.path.basename(base) + ".safetensors")
        return load(data), sidecar

    # --- previews ------------------------------------------------------------------

    def save_preview(self, grid, step):
        """Saves a preview grid (H, W, C) in [0,1] as preview-STEP.png and preview.png."""
        from training.grid import save_png

        os.makedirs(self.path, exist_ok=True)
        for name in (f"preview-{step:08d}.png", "preview.png"):
            save_png(self.file(name), grid)

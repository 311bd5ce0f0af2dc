"""Real speech from twelve outside repositories: the sealed set of docs/studies.md, "Lead: real speech from twelve
outside repositories, a sealed set" (thirtieth pass), rebuilt and judged. Not part of the product.

tests/benchmarks/data/outside_speech.tsv lists each of the 363 pieces: the repository, the recording's git blob (so
any clone of the repository holding that file, at any commit, serves), its path there, the span cut and the licence.
Pieces are cut as the study cut them: WAV and FLAC sample-exactly in the source's rate and sample format, raw 16-bit
PCM given a WAV header, MP3 and Ogg Opus by FFmpeg's stream copy (their coded frames as they arrived). The audio is
third-party and not committed.

    python tests/benchmarks/outside_speech.py make OUT_DIR [--mirrors /work/.mirror]
    python tests/benchmarks/outside_speech.py judge OUT_DIR CASE_DIR    # verdict (OUT_DIR.verdict.json), counts per source
"""
import argparse
import collections
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import soundfile

SOURCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "outside_speech.tsv")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pieces():
    with open(SOURCES, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def blob(mirrors, repository, sha):
    """The recording's bytes from a git clone of `repository` under `mirrors` (owner+name/repo)."""
    clone = os.path.join(mirrors, repository.replace("/", "+"), "repo")
    return subprocess.run(["git", "-C", clone, "cat-file", "blob", sha], capture_output=True, check=True).stdout


def span(samples, rate, start, end):
    """samples[start:end] (seconds); an end within 10 ms of the recording's (rounded in the list) is its end."""
    stop = int(end * rate)
    return samples[int(start * rate):None if len(samples) - stop < 0.01 * rate else stop]


def cut(source, suffix, start, end, raw_rate, dest):
    """Writes source[start:end] (seconds) to dest as the study did."""
    if suffix == ".raw":
        rate = int(raw_rate)
        soundfile.write(dest, span(np.fromfile(source, dtype="<i2"), rate, start, end), rate, subtype="PCM_16",
                        format="WAV")
    elif suffix in (".wav", ".flac"):
        info = soundfile.info(source)
        whole, rate = soundfile.read(source, dtype="int32" if info.subtype.startswith("PCM") else "float32")
        soundfile.write(dest, span(whole, rate, start, end), rate, subtype=info.subtype,
                        format="FLAC" if suffix == ".flac" else "WAV")
    else:  # MP3 seeks on input; Ogg on output (input seeking wrote pages libsndfile refuses)
        window = ["-ss", f"{start:.3f}", "-t", f"{end - start:.3f}"]
        args = window + ["-i", source] if suffix == ".mp3" else ["-i", source] + window
        subprocess.run(["ffmpeg", "-v", "error", "-y", *args, "-map", "0:a", "-c", "copy", dest], check=True)


def make(out, mirrors):
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for row in pieces():
            suffix = os.path.splitext(row["path"])[1].lower()
            source = os.path.join(scratch, row["blob"] + suffix)
            if not os.path.exists(source):
                with open(source, "wb") as f:
                    f.write(blob(mirrors, row["repository"], row["blob"]))
            cut(source, suffix, float(row["start_s"]), float(row["end_s"]), row["raw_pcm_rate"],
                os.path.join(out, row["piece"]))
    print(f"{len(pieces())} pieces in {out}")


def verdict(folder, case, report, quiet=False):
    """Judges `folder` through the product's contract; the verdict JSON's file entries (`quiet`: its text unprinted)."""
    subprocess.run([sys.executable, "main.py", "verdict", folder, "--case", case, "--json", report], cwd=ROOT,
                   stdout=subprocess.DEVNULL if quiet else None)
    with open(report) as f:
        return json.load(f)["files"]


def decisive(entry):
    """The detector the verdict's first reason names as decisive; "none" where every detector stood aside."""
    found = re.search(r"decisive: ([\w-]+)", entry["reasons"][0])
    return found.group(1) if found else "none"


def judge(out, case):
    files = verdict(out, case, os.path.normpath(out) + ".verdict.json")  # beside the pieces: not judged again
    counts, deciding = collections.defaultdict(collections.Counter), collections.Counter()
    for f in files:
        counts[os.path.basename(f["path"]).split("__")[0]][f["label"]] += 1
        if f["label"] == "generated":
            deciding[decisive(f)] += 1
    print("source\tgenerated\tinconclusive\treal")
    for source, c in sorted(counts.items()):
        print(f"{source}\t{c['generated']}\t{c['inconclusive']}\t{c['real']}")
    total = sum(counts.values(), collections.Counter())
    print(f"all\t{total['generated']}\t{total['inconclusive']}\t{total['real']}\ndecisive: {dict(deciding)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    made = sub.add_parser("make")
    made.add_argument("out")
    made.add_argument("--mirrors", default="/work/.mirror")
    judged = sub.add_parser("judge")
    judged.add_argument("out")
    judged.add_argument("case")
    args = parser.parse_args()
    if args.command == "make":
        make(args.out, args.mirrors)
    else:
        judge(args.out, args.case)


if __name__ == "__main__":
    main()

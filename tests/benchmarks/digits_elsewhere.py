"""Spoken digits by other speakers, recorded elsewhere: twelve GitHub repositories holding people's own recordings of
digits (English, Vietnamese, Serbian, Ukrainian, Polish, Bengali), neither FSDD nor AudioMNIST's own data, judged in a
`builtin:fsdd` case (docs/studies.md, "Spoken digits recorded elsewhere", thirty-third pass). Not part of the product.

tests/benchmarks/data/digits_elsewhere_split.tsv lists each piece: its name here (the repository's owner before "__",
the source outside_channels.py counts by), the repository, the half (tuning or untouched: split by repository), the
speaker as the repository names them (or "?"), the recording's git blob and path, its rate and format. Pieces are the
recordings' bytes as committed (WAV, or MP3 as the Ukrainian set holds them); the audio is third-party, not committed.
Up to 20 recordings a repository, spread over its speakers (SEED); the selection was fixed before any was judged.

Channels (tests/benchmarks/outside_channels.py names): the tuning half as recorded and through ulaw8k, mp3_32k and
opus24k; the untouched half, chosen before it was judged, as recorded and through ulaw8k and opus24k.

    python tests/benchmarks/digits_elsewhere.py make OUT_DIR [--half tuning|untouched] [--mirrors /work/.mirror]
    python tests/benchmarks/digits_elsewhere.py select [--mirrors ...]   # rewrites the split from the mirrors
"""
import argparse
import collections
import csv
import io
import os
import re
import subprocess

import numpy as np
import soundfile

SPLIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "digits_elsewhere_split.tsv")
FIELDS = ["piece", "repository", "half", "speaker", "blob", "path", "rate", "format"]
PER_REPOSITORY = 20
SEED = 37

# repository: (half, which recordings are digits by people, the speaker from the path or None)
SOURCES = {
    "inspektral/audioMNIST-classifier": ("tuning", r"^predict_data/(\w+)/", 1),
    "altainmunkhg/Spoken-Digit-Recognition": ("tuning", r"^self_recorded/(\w+)/", 1),
    "hungcaovu/Speech-Detection-with-an-Isolated-Word-Recognizer-using-HMM-and-GMM":
        ("tuning", r"Debug/Data/Train/Audio/(?:Mot|Hai|Ba|Bon|Nam|Sau|Bay|Tam|Chin)/", None),
    "wlhjkl/spoken-number-recognition": ("tuning", r"^audio/(\w+)/", 1),
    "CaCuCkA/ukranian-spoken-digits": ("tuning", r"^recordings/(\w+)/", 1),
    "stasius12/digit-speech-recognition": ("tuning", r"^waves/([A-Z]+\d)", 1),
    "BachchuPaul/Bengali-Isolated-Spoken-Digit": ("untouched", r"^\w+/([A-Za-z]+)", 1),
    "Agrim9/Digit-Speech-Recognition": ("untouched", r"^Processed_Data/\d/", None),
    "SvenFlorian/Spoken-Numbers": ("untouched", r"^resources/\d\.wav$", None),
    "PiasRoY/Bangla-Spoken-Number-Recognition": ("untouched", r"^Bangla_Spoken_Numbers/\d/([a-z]+\d)", 1),
    "Vukasin32/Voice-Digits-Classifier": ("untouched", r"^voice_digits_classifier/\w+/", None),
    "epljakic/Spoken-Digit-Recognition": ("untouched", r"^\w+/\d_(\d+)_", 1),
}


def git_dir(mirrors, repository):
    clone = os.path.join(mirrors, repository.replace("/", "+"), "repo")
    return os.path.join(clone, ".git") if os.path.isdir(os.path.join(clone, ".git")) else clone


def blob(mirrors, repository, sha):
    return subprocess.run(["git", "--git-dir", git_dir(mirrors, repository), "cat-file", "blob", sha],
                          capture_output=True, check=True).stdout


def recordings(mirrors, repository):
    """(blob, path, speaker) of the repository's digit recordings at its snapshot's HEAD, one per blob."""
    _, pattern, group = SOURCES[repository]
    listing = subprocess.run(["git", "--git-dir", git_dir(mirrors, repository), "ls-tree", "-r", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.splitlines()
    found, seen = [], set()
    for line in listing:
        meta, path = line.split("\t", 1)
        match = re.search(pattern, path)
        sha = meta.split()[2]
        if match and re.search(r"\.(wav|mp3)$", path, re.I) and sha not in seen:
            seen.add(sha)
            found.append((sha, path, match.group(group).lower() if group else "?"))
    return found


def spread(found, rng):
    """The recordings taken in turn from each speaker (shuffled within each): the first few hear every voice."""
    by_speaker = collections.defaultdict(list)
    for item in found:
        by_speaker[item[2]].append(item)
    queues = [list(rng.permutation(len(v))) for v in by_speaker.values()]
    speakers = list(by_speaker.values())
    while any(queues):
        for items, queue in zip(speakers, queues):
            if queue:
                yield items[queue.pop()]


def decodable(data):
    """The recording's soundfile.info, or None where libsndfile cannot read it (a file the study left out)."""
    try:
        return soundfile.info(io.BytesIO(data))
    except soundfile.LibsndfileError:
        return None


def select(mirrors):
    rng = np.random.default_rng(SEED)
    rows = []
    for repository, (half, _, _) in SOURCES.items():
        taken = 0
        for sha, path, speaker in spread(recordings(mirrors, repository), rng):
            info = decodable(blob(mirrors, repository, sha))
            if info is None:
                print(f"left out, not decodable: {repository} {path}")
                continue
            taken += 1
            owner = repository.split("/")[0]
            name = "-".join(path.replace(" ", "_").split("/")[-2:])  # a folder may be all that tells two files apart
            rows.append({"piece": f"{owner}__{speaker}__{name}",
                         "repository": repository, "half": half, "speaker": speaker, "blob": sha, "path": path,
                         "rate": info.samplerate, "format": f"{info.format} {info.subtype} {info.channels}ch"})
            if taken == PER_REPOSITORY:
                break
    with open(SPLIT, "w", newline="") as f:
        writer = csv.DictWriter(f, FIELDS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} pieces in {SPLIT}")


def make(out, half, mirrors):
    with open(SPLIT, newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if half in (None, r["half"])]
    os.makedirs(out, exist_ok=True)
    for row in rows:
        with open(os.path.join(out, row["piece"]), "wb") as f:
            f.write(blob(mirrors, row["repository"], row["blob"]))
    print(f"{len(rows)} pieces in {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    made = sub.add_parser("make")
    made.add_argument("out")
    made.add_argument("--half", choices=("tuning", "untouched"))
    selected = sub.add_parser("select")
    for p in (made, selected):
        p.add_argument("--mirrors", default="/work/.mirror")
    args = parser.parse_args()
    if args.command == "make":
        make(args.out, args.half, args.mirrors)
    else:
        select(args.mirrors)


if __name__ == "__main__":
    main()

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
    python tests/benchmarks/digits_elsewhere.py rest OUT_DIR [--mirrors ...]  # other takes: REST_UNTOUCHED
    python tests/benchmarks/digits_elsewhere.py edit-rest OUT_DIR [--mirrors ...]  # yet others: EDIT_REST_*
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


# Other takes of the same repositories, which neither half lists (tests/benchmarks/data/g711_digits_untouched.md): up to
# REST_PER_REPOSITORY a repository, spread over its speakers with REST_SEED, leaving out wlhjkl's 30 takes that
# tests/benchmarks/data/eight_bit_codec_untouched.md drew (a fresh numpy.random.default_rng(43) over each speaker's sorted paths).
REST_PER_REPOSITORY = 5
REST_SEED = 44
# A third draw for an editor's everyday clean-ups of real speech (tests/benchmarks/data/editor_chains_untouched.md)
EDIT_REST_PER_REPOSITORY = 5
EDIT_REST_SEED = 46
EIGHT_BIT_REST = ("wlhjkl/spoken-number-recognition", 43, 15)


def eight_bit_rest_taken(mirrors):
    """The paths eight_bit_codec_untouched.md's `wlhjkl-rest` drew: 15 of each speaker's recordings the split does not
    list, by a fresh numpy.random.default_rng(43).permutation of each speaker's sorted paths."""
    repository, seed, per_speaker = EIGHT_BIT_REST
    listed = {r["blob"] for r in split_rows()}
    by_speaker = collections.defaultdict(list)
    for sha, path, speaker in recordings(mirrors, repository):
        if sha not in listed:
            by_speaker[speaker].append(path)
    return {str(p) for speaker in sorted(by_speaker)
            for p in np.random.default_rng(seed).permutation(sorted(by_speaker[speaker]))[:per_speaker]}


def split_rows(half=None):
    with open(SPLIT, newline="") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if half in (None, r["half"])]


def rest_draw(mirrors, per_repository, seed, excluded=frozenset()):
    """(repository, blob, path, speaker, bytes) of up to `per_repository` decodable recordings of each repository that
    the split does not list, nor eight_bit_codec_untouched.md's draw, nor the paths `excluded` (an earlier draw's),
    spread over its speakers with a numpy.random.default_rng(seed) shared by the repositories in SOURCES' order."""
    listed = {r["blob"] for r in split_rows()}
    taken_before = eight_bit_rest_taken(mirrors) | set(excluded)
    rng = np.random.default_rng(seed)
    drawn = []
    for repository in SOURCES:
        found = [item for item in recordings(mirrors, repository)
                 if item[0] not in listed and item[1] not in taken_before]
        taken = 0
        for sha, path, speaker in spread(found, rng):
            data = blob(mirrors, repository, sha)
            if taken == per_repository:
                break
            if decodable(data) is None:
                continue
            taken += 1
            drawn.append((repository, sha, path, speaker, data))
    return drawn


def write_draw(drawn, out):
    """The drawn recordings' bytes written to `out` under names as the split's."""
    os.makedirs(out, exist_ok=True)
    for repository, _, path, speaker, data in drawn:
        name = "-".join(path.replace(" ", "_").split("/")[-2:])
        with open(os.path.join(out, f"{repository.split('/')[0]}__{speaker}__{name}"), "wb") as f:
            f.write(data)
    print(f"{len(drawn)} recordings in {out}")


def rest(out, mirrors):
    """REST_PER_REPOSITORY decodable recordings of each repository that the split does not list (nor
    eight_bit_codec_untouched.md's draw), written to `out` under names as the split's."""
    write_draw(rest_draw(mirrors, REST_PER_REPOSITORY, REST_SEED), out)


def edit_rest(out, mirrors):
    """EDIT_REST_PER_REPOSITORY further recordings of each repository, none that rest() draws
    (tests/benchmarks/data/editor_chains_untouched.md), written to `out` under names as the split's."""
    earlier = {path for _, _, path, _, _ in rest_draw(mirrors, REST_PER_REPOSITORY, REST_SEED)}
    write_draw(rest_draw(mirrors, EDIT_REST_PER_REPOSITORY, EDIT_REST_SEED, earlier), out)


def make(out, half, mirrors):
    rows = split_rows(half)
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
    rested = sub.add_parser("rest")
    rested.add_argument("out")
    edit_rested = sub.add_parser("edit-rest")
    edit_rested.add_argument("out")
    for p in (made, selected, rested, edit_rested):
        p.add_argument("--mirrors", default="/work/.mirror")
    args = parser.parse_args()
    if args.command == "make":
        make(args.out, args.half, args.mirrors)
    elif args.command == "rest":
        rest(args.out, args.mirrors)
    elif args.command == "edit-rest":
        edit_rest(args.out, args.mirrors)
    else:
        select(args.mirrors)


if __name__ == "__main__":
    main()

"""Real words recorded elsewhere, re-encoded as a checker would bring them to a telephone's 8 kHz: four GitHub
repositories of people's own recordings of digits and short words that no earlier set used (neither FSDD nor its
forks, nor the twelve of tests/benchmarks/data/digits_elsewhere_split.tsv), judged in a profile-only
`builtin:fsdd` case (docs/studies.md, "Real words recorded elsewhere through a telephone's chain", fifty-fourth
pass). Not part of the product.

tests/benchmarks/data/phonereal_split.tsv lists each piece as digits_elsewhere.py's split does (the repository's
owner before "__"); the halves are split by repository and named in tests/benchmarks/data/phonereal_untouched.md.
The audio is third-party, not committed.

Channels: sox's resampler to 8 kHz with its dither, librosa's load at 8 kHz saved by soundfile, a telephone's
chain (band-pass 300-3400 Hz at 8 kHz, then mu-law, A-law, GSM 06.10 or AMR-NB 12.2 kbit/s), and loudness or peak
normalisation before the channel.

    python tests/benchmarks/phonereal.py select [--mirrors /work/.mirror]   # rewrites the split from the mirrors
    python tests/benchmarks/phonereal.py make OUT_DIR --half tuning|untouched [--mirrors ...]
    python tests/benchmarks/phonereal.py channels SOURCE_DIR OUT_DIR [--channels sox8k,...]
then tests/benchmarks/outside_channels.py judge OUT_DIR CASE_DIR --channels ... for the table.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import digits_elsewhere  # noqa: E402  (a repository's recordings, spread over its speakers)
import outside_channels  # noqa: E402  (ffmpeg and AMR-NB writers)

SPLIT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "phonereal_split.tsv")
PER_REPOSITORY = 30
SEED = 58

# repository: (half, which recordings are people's words, the speaker from the path or None)
SOURCES = {
    "huyenbui117/Isolated-word-recognition": ("tuning", r"^data_new/combined/(?!sil/)\w+/\d+_\d+_(\d)\.wav$", 1),
    "Coaz00/spoken-number-recognition": ("tuning", r"^(?:train|test)/\w+/\w+\.wav$", None),
    "jigneshjain25/Isolated-Word-Hindi-Speech-Recognition": ("untouched", r"^DTW/dictionary(\d)/\d+/\d+\.wav$", 1),
    "filiph-r/MFCC-DTW": ("untouched", r"^voice samples/(\w+) voice samples/", 1),
}

BAND = ["sinc", "300-3400"]


def sox8k(wav, stem):
    """As a checker types it: `sox IN -r 8000 -b 16 OUT` (sox dithers when it writes 16 bits)."""
    return _sox8k(wav, stem + ".wav")


def _sox8k(wav, dest, *before):
    subprocess.run(["sox", "-V1", *before, wav, "-r", "8000", "-b", "16", dest], check=True)
    return dest


def librosa8k(wav, stem):
    import librosa

    audio, rate = librosa.load(wav, sr=8000)
    soundfile.write(stem + ".wav", audio, rate)
    return stem + ".wav"


def telephone(encoding):
    """Band-pass 300-3400 Hz, 8 kHz mono, written by sox in `encoding` (u-law, a-law, gsm-full-rate)."""
    def through(wav, stem):
        subprocess.run(["sox", "-V1", wav, "-r", "8000", "-c", "1", "-e", encoding, stem + ".wav", *BAND], check=True)
        return stem + ".wav"
    return through


def telephone_amr(wav, stem):
    """Band-pass 300-3400 Hz at 8 kHz (float), then AMR-NB 12.2 kbit/s as outside_channels.py writes it."""
    with tempfile.TemporaryDirectory() as scratch:
        band = os.path.join(scratch, "band.wav")
        subprocess.run(["sox", "-V1", wav, "-r", "8000", "-c", "1", "-e", "floating-point", band, *BAND], check=True)
        return outside_channels.amr_nb(band, stem)


def loudnorm_then(channel):
    """FFmpeg's EBU R128 loudness normalisation (its defaults, written as float at the file's rate), then `channel`."""
    def through(wav, stem):
        with tempfile.TemporaryDirectory() as scratch:
            loud = os.path.join(scratch, "loud.wav")
            rate = soundfile.info(wav).samplerate
            outside_channels.ffmpeg(wav, loud, "-af", "loudnorm", "-ar", str(rate), "-c:a", "pcm_f32le")
            return channel(loud, stem)
    return through


def peak_sox8k(wav, stem):
    """sox --norm (peak to 0 dBFS) on the way to 8 kHz 16-bit."""
    return _sox8k(wav, stem + ".wav", "--norm")


CHANNELS = {
    "sox8k": sox8k,
    "librosa8k": librosa8k,
    "tel_ulaw": telephone("u-law"),
    "tel_alaw": telephone("a-law"),
    "tel_gsm": telephone("gsm-full-rate"),
    "tel_amrnb": telephone_amr,
    "loudnorm_ulaw": loudnorm_then(telephone("u-law")),
    "peak_sox8k": peak_sox8k,
}


def select(mirrors):
    rng = np.random.default_rng(SEED)
    rows = []
    for repository, (half, pattern, group) in SOURCES.items():
        digits_elsewhere.SOURCES[repository] = (half, pattern, group)  # its listing reads the pattern there
        taken = 0
        for sha, path, speaker in digits_elsewhere.spread(digits_elsewhere.recordings(mirrors, repository), rng):
            info = digits_elsewhere.decodable(digits_elsewhere.blob(mirrors, repository, sha))
            if info is None:
                print(f"left out, not decodable: {repository} {path}")
                continue
            taken += 1
            owner = repository.split("/")[0]
            name = "-".join(path.replace(" ", "_").replace(",", "").split("/")[-3:])  # test/ and train/ share names
            rows.append({"piece": f"{owner}__{speaker}__{name}", "repository": repository, "half": half,
                         "speaker": speaker, "blob": sha, "path": path, "rate": info.samplerate,
                         "format": f"{info.format} {info.subtype} {info.channels}ch"})
            if taken == PER_REPOSITORY:
                break
    with open(SPLIT, "w", newline="") as f:
        writer = csv.DictWriter(f, digits_elsewhere.FIELDS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} pieces in {SPLIT}")


def make(out, half, mirrors):
    with open(SPLIT, newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["half"] == half]
    os.makedirs(out, exist_ok=True)
    for row in rows:
        with open(os.path.join(out, row["piece"]), "wb") as f:
            f.write(digits_elsewhere.blob(mirrors, row["repository"], row["blob"]))
    print(f"{len(rows)} pieces in {out}")


def channels(source, out, names):
    with tempfile.TemporaryDirectory() as scratch:
        for name in sorted(os.listdir(source)):
            wav = os.path.join(scratch, "decoded.wav")  # decoded once, at its own rate and channels
            outside_channels.ffmpeg(os.path.join(source, name), wav, "-c:a", "pcm_f32le")
            for channel in names:
                os.makedirs(os.path.join(out, channel), exist_ok=True)
                CHANNELS[channel](wav, os.path.join(out, channel, os.path.splitext(name)[0]))
    print(f"{len(os.listdir(source))} recordings through {len(names)} channels in {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    selected = sub.add_parser("select")
    made = sub.add_parser("make")
    made.add_argument("out")
    made.add_argument("--half", choices=("tuning", "untouched"), required=True)
    chained = sub.add_parser("channels")
    chained.add_argument("source")
    chained.add_argument("out")
    chained.add_argument("--channels", default=",".join(CHANNELS))
    for p in (selected, made):
        p.add_argument("--mirrors", default="/work/.mirror")
    args = parser.parse_args()
    if args.command == "select":
        select(args.mirrors)
    elif args.command == "make":
        make(args.out, args.half, args.mirrors)
    else:
        channels(args.source, args.out, args.channels.split(","))


if __name__ == "__main__":
    main()

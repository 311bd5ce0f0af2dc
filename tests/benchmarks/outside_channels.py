"""Real speech through named channels: every recording of a folder re-encoded as a telephone, a phone's codec, a
streaming codec, a resampler or added noise would leave it, each channel in a folder of its own, then judged per
channel. Not part of the product.

Made for the outside speech of tests/benchmarks/outside_speech.py (split by repository into a tuning and an untouched
half: tests/benchmarks/data/outside_speech_split.tsv) and for generated speech through the same channels (docs/studies.md,
"Outside speech through channels", thirty-first pass). FFmpeg writes the codecs, sox GSM 06.10; AMR-NB is written by
OpenCORE through PyAV (this FFmpeg binary has no AMR encoder). Babble is six streams of FSDD digits by theo and
yweweler (speakers builtin:fsdd does not hold), summed.

    python tests/benchmarks/outside_channels.py pick SOURCE_DIR OUT_DIR PER_SOURCE  # a seeded sample per source
    python tests/benchmarks/outside_channels.py make SOURCE_DIR OUT_DIR [--channels ulaw8k,...]
    python tests/benchmarks/outside_channels.py judge OUT_DIR CASE_DIR [--channels ...]   # one row per channel
    python tests/benchmarks/outside_channels.py table OUT_DIR [--channels ...]            # the rows again, from the JSON
"""
import argparse
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import soundfile
from scipy import signal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import outside_speech  # noqa: E402  (the verdict and its decisive detector)

# the babble's voices: FSDD's theo and yweweler takes (github.com/Jakobovski/free-spoken-digit-dataset, not in
# builtin:fsdd), where they lay when measured (BABBLE_DIR elsewhere: noisefeat.py writes takes 40-49 there)
BABBLE = os.environ.get("BABBLE_DIR", "/tmp/s34-lead/fsdd2")
BABBLE_VOICES = 6
SEED = 18


def ffmpeg(source, dest, *args):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", source, *args, dest], check=True)


def telephone(law):
    return lambda wav, stem: _ffmpeg_to(wav, stem + ".wav", "-ac", "1", "-ar", "8000", "-c:a", law)


def lossy(ext, *args):
    return lambda wav, stem: _ffmpeg_to(wav, stem + ext, *args)


def resampled(rate):
    return lambda wav, stem: _ffmpeg_to(wav, stem + ".wav", "-ar", str(rate), "-c:a", "pcm_s16le")


def _ffmpeg_to(wav, dest, *args):
    ffmpeg(wav, dest, *args)
    return dest


def gsm(wav, stem):
    subprocess.run(["sox", "-V1", wav, "-r", "8000", "-c", "1", "-e", "gsm-full-rate", stem + ".wav"], check=True)
    return stem + ".wav"


def amr_nb(wav, stem):
    from engine.data.formats import container_audio

    audio, rate = soundfile.read(wav, dtype="float32", always_2d=True)
    mono = signal.resample_poly(audio.mean(axis=1), 8000, rate) if rate != 8000 else audio.mean(axis=1)
    with open(stem + ".amr", "wb") as f:
        f.write(container_audio.encoded(mono, 8000, 12200, "amr", "amr_nb"))
    return stem + ".amr"


def telephone_band(law):
    """A telephone's chain: band-passed 300-3400 Hz (Butterworth, order 6), 8 kHz mono, then `law` in WAV."""
    return lambda wav, stem: _ffmpeg_to(wav, stem + ".wav", "-af", "highpass=f=300:poles=2,highpass=f=300:poles=2,"
                                        "highpass=f=300:poles=2,lowpass=f=3400:poles=2,lowpass=f=3400:poles=2,"
                                        "lowpass=f=3400:poles=2", "-ac", "1", "-ar", "8000", "-c:a", law)


def decoded(ext, *args):
    """Encoded at 8 kHz mono by FFmpeg, then decoded to 16-bit PCM WAV: a codec whose container the judge may not
    read (codec2's .c2) reaches it as the decoded copy a checker would save."""
    def through(wav, stem):
        with tempfile.TemporaryDirectory() as scratch:
            coded = _ffmpeg_to(wav, os.path.join(scratch, "coded" + ext), "-ac", "1", "-ar", "8000", *args)
            return _ffmpeg_to(coded, stem + ".wav", "-c:a", "pcm_s16le")
    return through


def pink(snr_db):
    """The recording with pink noise (power falling as 1/f) at `snr_db` below its mean power, as 16-bit PCM."""
    def through(wav, stem):
        audio, rate = soundfile.read(wav, dtype="float64", always_2d=True)
        rng = np.random.default_rng([SEED, len(audio), int(snr_db), 1])
        spectrum = np.fft.rfft(rng.standard_normal(len(audio)))
        spectrum[1:] /= np.sqrt(np.arange(1, spectrum.size))  # amplitude 1/sqrt(f)
        spectrum[0] = 0
        noise = np.fft.irfft(spectrum, len(audio))
        noise *= np.sqrt(np.mean(audio ** 2) / np.mean(noise ** 2) / 10 ** (snr_db / 10))
        mixed = audio + noise[:, None]
        mixed /= max(1.0, np.abs(mixed).max() / 0.99)
        soundfile.write(stem + ".wav", mixed, rate, subtype="PCM_16")
        return stem + ".wav"
    return through


def chain(first, second):
    """`first`'s file decoded, then through `second`."""
    def through(wav, stem):
        with tempfile.TemporaryDirectory() as scratch:
            decoded = os.path.join(scratch, "decoded.wav")
            ffmpeg(first(wav, os.path.join(scratch, "first")), decoded, "-c:a", "pcm_f32le")
            return second(decoded, stem)
    return through


def babble_streams(rate, seconds, rng):
    """BABBLE_VOICES streams of FSDD digits (random takes back to back) at `rate`, summed: a crowd of voices."""
    takes = sorted(glob.glob(os.path.join(BABBLE, "*.wav")))
    total = np.zeros(int(rate * seconds) + 1)
    for _ in range(BABBLE_VOICES):
        stream = []
        while sum(s.size for s in stream) < total.size:
            audio, sr = soundfile.read(takes[rng.integers(len(takes))], dtype="float64")
            stream.append(signal.resample_poly(audio, rate, sr) if sr != rate else audio)
        total += np.concatenate(stream)[:total.size] / np.std(np.concatenate(stream))
    return total


def noisy(kind, snr_db):
    """The recording with white or babble noise at `snr_db` below its mean power (whole file), as 16-bit PCM."""
    def through(wav, stem):
        audio, rate = soundfile.read(wav, dtype="float64", always_2d=True)
        rng = np.random.default_rng([SEED, len(audio), int(snr_db)])
        noise = rng.standard_normal(len(audio)) if kind == "white" else babble_streams(rate, len(audio) / rate, rng)
        noise = noise[:len(audio)]
        noise *= np.sqrt(np.mean(audio ** 2) / np.mean(noise ** 2) / 10 ** (snr_db / 10))
        mixed = audio + noise[:, None]
        mixed /= max(1.0, np.abs(mixed).max() / 0.99)  # no clipping: the peak brought under full scale
        soundfile.write(stem + ".wav", mixed, rate, subtype="PCM_16")
        return stem + ".wav"
    return through


def edited(af):
    """An editor's clean-up: FFmpeg's filter graph `af`, written 16-bit PCM at the file's own rate."""
    return lambda wav, stem: _ffmpeg_to(wav, stem + ".wav", "-af", af, "-c:a", "pcm_s16le")


def eight_bit_then(af):
    """The recording rounded to an 8-bit recorder's grid (multiples of 256 of 16-bit), then edited(af)."""
    def through(wav, stem):
        audio, rate = soundfile.read(wav, dtype="float64", always_2d=True)
        grid = np.clip(np.round(audio.mean(axis=1) * 128), -128, 127) / 128
        with tempfile.TemporaryDirectory() as scratch:
            rounded = os.path.join(scratch, "rounded.wav")
            soundfile.write(rounded, grid, rate, subtype="PCM_16")
            return edited(af)(rounded, stem)
    return through


def sox_rates(*rates):
    """sox's resampler (and its dither, as it writes 16 bits) through each rate in turn: an editor's conversions."""
    def through(wav, stem):
        with tempfile.TemporaryDirectory() as scratch:
            current = wav
            for k, rate in enumerate(rates):
                dest = stem + ".wav" if k == len(rates) - 1 else os.path.join(scratch, f"{k}.wav")
                subprocess.run(["sox", "-V1", current, "-b", "16", "-r", str(rate), dest], check=True)
                current = dest
            return current
    return through


# An editor's everyday clean-ups of a recording (tests/benchmarks/data/editor_chains_untouched.md)
EDITOR_CHAINS = {
    "highpass100": edited("highpass=f=100"),
    "band100_3400": edited("highpass=f=100,lowpass=f=3400"),
    "equalizer": edited("equalizer=f=200:t=q:w=1:g=-3,equalizer=f=3000:t=q:w=1:g=3"),
    "dynaudnorm": edited("dynaudnorm=f=150:g=15"),  # at its defaults FFmpeg 5.1 crashes on some short takes
    "sox_48k_44k1_16k": sox_rates(48000, 44100, 16000),
    "adeclick": edited("adeclick"),
    "trim_fade": edited("atrim=start=0.05,asetpts=PTS-STARTPTS,afade=t=in:d=0.05,areverse,afade=t=in:d=0.05,"
                        "areverse"),
    "eight_bit_band": eight_bit_then("highpass=f=100,lowpass=f=3400"),
    "eight_bit_afftdn": eight_bit_then("afftdn=nf=-40"),
}

CHANNELS = {
    "ulaw8k": telephone("pcm_mulaw"),
    "alaw8k": telephone("pcm_alaw"),
    "gsm610": gsm,
    "amrnb12k2": amr_nb,
    "mp3_32k": lossy(".mp3", "-c:a", "libmp3lame", "-b:a", "32k"),
    "mp3_64k": lossy(".mp3", "-c:a", "libmp3lame", "-b:a", "64k"),
    "opus12k": lossy(".ogg", "-ac", "1", "-c:a", "libopus", "-b:a", "12k"),
    "opus16k": lossy(".ogg", "-ac", "1", "-c:a", "libopus", "-b:a", "16k"),
    "opus24k": lossy(".ogg", "-ac", "1", "-c:a", "libopus", "-b:a", "24k"),
    "opus32k": lossy(".ogg", "-ac", "1", "-c:a", "libopus", "-b:a", "32k"),
    "vorbis_q2": lossy(".ogg", "-c:a", "libvorbis", "-q:a", "2"),
    "aac32k": lossy(".m4a", "-c:a", "aac", "-b:a", "32k"),
    "aac64k": lossy(".m4a", "-c:a", "aac", "-b:a", "64k"),
    "rate8k": resampled(8000),
    "rate16k": resampled(16000),
    "rate44k1": resampled(44100),
    "white10": noisy("white", 10),
    "white20": noisy("white", 20),
    "babble10": noisy("babble", 10),
    "babble20": noisy("babble", 20),
    "mp3_64k_ulaw8k": chain(lossy(".mp3", "-c:a", "libmp3lame", "-b:a", "64k"), telephone("pcm_mulaw")),
    # G.711 decoded and re-saved as 16-bit PCM at 8 kHz: its codec history is read from the samples
    # (engine/data/audio_history.py)
    "ulaw8k_pcm16": chain(telephone("pcm_mulaw"), resampled(8000)),
    "alaw8k_pcm16": chain(telephone("pcm_alaw"), resampled(8000)),
    **EDITOR_CHAINS,
    # the channel matrix (tests/benchmarks/data/speechchan_untouched.md)
    "tel_ulaw": telephone_band("pcm_mulaw"),
    "tel_alaw": telephone_band("pcm_alaw"),
    "gsm_ffmpeg": lossy(".wav", "-ac", "1", "-ar", "8000", "-c:a", "libgsm_ms"),
    "g726_16k": lossy(".wav", "-ac", "1", "-ar", "8000", "-c:a", "g726", "-b:a", "16k"),
    "g726_32k": lossy(".wav", "-ac", "1", "-ar", "8000", "-c:a", "g726", "-b:a", "32k"),
    # every G.726 rate, and each decoded to 16-bit PCM at 8 kHz as a checker may save it
    # (tests/benchmarks/data/g726_untouched.md)
    "g726_24k": lossy(".wav", "-ac", "1", "-ar", "8000", "-c:a", "g726", "-b:a", "24k"),
    "g726_40k": lossy(".wav", "-ac", "1", "-ar", "8000", "-c:a", "g726", "-b:a", "40k"),
    **{f"g726_{kbit}k_pcm16": chain(lossy(".wav", "-ac", "1", "-ar", "8000", "-c:a", "g726", "-b:a", f"{kbit}k"),
                                    resampled(8000)) for kbit in (16, 24, 32, 40)},
    "codec2_3200": decoded(".c2", "-c:a", "libcodec2", "-mode", "3200"),
    "codec2_1300": decoded(".c2", "-c:a", "libcodec2", "-mode", "1300"),
    # codec2's other modes, and two decoded copies resampled to 16 kHz (tests/benchmarks/data/codec2_untouched.md)
    **{f"codec2_{mode}": decoded(".c2", "-c:a", "libcodec2", "-mode", mode) for mode in ("2400", "1600", "700C")},
    **{f"codec2_{mode}_16k": chain(decoded(".c2", "-c:a", "libcodec2", "-mode", mode), resampled(16000))
       for mode in ("3200", "1300")},
    "opus8k": lossy(".ogg", "-ac", "1", "-c:a", "libopus", "-b:a", "8k"),
    "mp3_8k16": lossy(".mp3", "-ac", "1", "-ar", "8000", "-c:a", "libmp3lame", "-b:a", "16k"),
    "mp3_8k32": lossy(".mp3", "-ac", "1", "-ar", "8000", "-c:a", "libmp3lame", "-b:a", "32k"),
    "rate8k_16k": chain(resampled(8000), resampled(16000)),
    "rate44k1_16k": chain(resampled(44100), resampled(16000)),
    "white30": noisy("white", 30),
    "pink20": pink(20),
    "pink30": pink(30),
    # the rest of the noise matrix at 10-30 dB (tests/benchmarks/data/noisefeat_untouched.md)
    "pink10": pink(10),
    "babble30": noisy("babble", 30),
    "loudnorm": edited("loudnorm"),
}
AS_RECORDED = "as_recorded"  # the file itself, copied
# the matrix in the order its study reports it
MATRIX = [AS_RECORDED, "tel_ulaw", "tel_alaw", "gsm_ffmpeg", "g726_16k", "g726_32k", "codec2_3200", "codec2_1300",
          "opus8k", "opus16k", "mp3_8k16", "mp3_8k32", "rate8k_16k", "rate44k1_16k", "white20", "white30", "pink20",
          "pink30", "loudnorm"]


def pick(source, out, per_source):
    """Up to `per_source` recordings of each source (the piece's name before "__"), drawn with SEED, copied to `out`:
    a verdict takes seconds a file on this machine, so each half is judged through the channels as a sample."""
    groups = collections.defaultdict(list)
    for name in sorted(os.listdir(source)):
        groups[name.split("__")[0]].append(name)
    rng = np.random.default_rng(SEED)
    os.makedirs(out, exist_ok=True)
    for names in groups.values():
        for name in rng.permutation(names)[:per_source]:
            shutil.copy(os.path.join(source, name), out)
    print(f"{len(os.listdir(out))} recordings of {len(groups)} sources in {out}")


def make(source, out, names):
    with tempfile.TemporaryDirectory() as scratch:
        for name in sorted(os.listdir(source)):
            wav = os.path.join(scratch, "decoded.wav")  # any format decoded once, at its own rate and channels
            ffmpeg(os.path.join(source, name), wav, "-c:a", "pcm_f32le")
            for channel in names:
                os.makedirs(os.path.join(out, channel), exist_ok=True)
                if channel == AS_RECORDED:
                    shutil.copy(os.path.join(source, name), os.path.join(out, channel))
                else:
                    CHANNELS[channel](wav, os.path.join(out, channel, os.path.splitext(name)[0]))
    print(f"{len(os.listdir(source))} recordings through {len(names)} channels in {out}")


def judge(out, case, names):
    for channel in names:
        outside_speech.verdict(os.path.join(out, channel), case, os.path.join(out, channel + ".verdict.json"), quiet=True)
        table(out, [channel], header=channel == names[0])


def table(out, names, header=True):
    """One row per channel from its verdict JSON: labelled generated and inconclusive, all and per source (the piece's
    name before "__"), and the decisive detectors of each."""
    if header:
        print("channel\tn\tgenerated\tinconclusive\tgenerated per source\tdecisive (generated)\tdecisive (inconclusive)")
    for channel in names:
        with open(os.path.join(out, channel + ".verdict.json")) as f:
            files = json.load(f)["files"]
        labels = collections.Counter(f["label"] for f in files)
        sources = collections.Counter(os.path.basename(f["path"]).split("__")[0] for f in files)
        caught = collections.Counter(os.path.basename(f["path"]).split("__")[0] for f in files
                                     if f["label"] == "generated")
        by = {label: collections.Counter(outside_speech.decisive(f) for f in files if f["label"] == label)
              for label in ("generated", "inconclusive")}
        per_source = " ".join(f"{s} {caught[s]}/{n}" for s, n in sorted(sources.items()))
        print(f"{channel}\t{len(files)}\t{labels['generated']}\t{labels['inconclusive']}\t{per_source}\t"
              f"{dict(by['generated'])}\t{dict(by['inconclusive'])}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    picked = sub.add_parser("pick")
    picked.add_argument("source")
    picked.add_argument("out")
    picked.add_argument("per_source", type=int)
    made = sub.add_parser("make")
    made.add_argument("source")
    made.add_argument("out")
    judged = sub.add_parser("judge")
    judged.add_argument("out")
    judged.add_argument("case")
    tabled = sub.add_parser("table")
    tabled.add_argument("out")
    for p in (made, judged, tabled):
        p.add_argument("--channels", default=",".join(CHANNELS),
                       help="comma-separated names of CHANNELS (or as_recorded); 'matrix' for the issue's MATRIX")
    args = parser.parse_args()
    if getattr(args, "channels", None) == "matrix":
        args.channels = ",".join(MATRIX)
    if args.command == "pick":
        pick(args.source, args.out, args.per_source)
    elif args.command == "make":
        make(args.source, args.out, args.channels.split(","))
    elif args.command == "judge":
        judge(args.out, args.case, args.channels.split(","))
    else:
        table(args.out, [c for c in args.channels.split(",") if os.path.exists(os.path.join(args.out, c + ".verdict.json"))])


if __name__ == "__main__":
    main()

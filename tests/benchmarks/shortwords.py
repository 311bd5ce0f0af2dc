"""The rule-based synthesisers' short words: what their missed words offer that real takes of the same words do not
(docs/studies.md, "The synthesisers' short words against real takes of the same words", forty-eighth pass).

    PYTHONPATH=. python tests/benchmarks/shortwords.py tune OUT_DIR       # the tuning sets, one folder per set
    PYTHONPATH=. python tests/benchmarks/shortwords.py build OUT_DIR      # the untouched sets (data/shortwords_untouched.md)
    python main.py verdict OUT_DIR/*/*.* --case CASE --json OUT.json
    python tests/benchmarks/synth_low.py summary OUT.json                 # per set: labels, each miss's nearest detectors
    PYTHONPATH=. python tests/benchmarks/shortwords.py readings CASE OUT.npz OUT_DIR/*/*.*   # synthetic-voice's readings
    PYTHONPATH=. python tests/benchmarks/shortwords.py compare OUT.npz ...                    # the readings' tails
    PYTHONPATH=. python tests/benchmarks/shortwords.py traits OUT.json REAL_FILES...     # simple traits, misses vs real

`readings` scores each file with synthetic-voice's network over four frame selections (the whole word's speech frames,
its voiced frames, its unvoiced speech frames, its voiced frames widened by one frame each side: the joins into
them) and counts its speech and voiced frames; `compare` turns them into tail probabilities against the case's kept
reference recordings read alike and shows what each candidate reading would give a word that main's readings leave:
the voiced frames of words holding 5-9 of them (main reads 10 or more), the unvoiced frames, the widened voiced frames.
Speech Commands is read from a bare mirror of github.com/thegtagamer/PICO-tinyML-benchmark (synth_low.SC_GIT).
"""
import glob
import os
import shutil
import subprocess
import sys

import numpy as np

from tests.benchmarks import pico_floor, pico_8k, synth_flite, synth_low, synthvoice_sets, voiced_frames
from tests.benchmarks.synth_low import SC_DIR, SC_GIT, excluded_speakers, git_show, run
from tests.benchmarks.test_bench_cycle_traits import FSDD, espeak_digits, festival_digits, flite_digits

SPEAKERS = ("george", "jackson", "lucas", "nicolas")
TUNE_PICO = {"en-US": synth_low.DIGITS, "en-GB": synth_low.DIGITS,
             "de-DE": "null eins zwei drei vier fünf sechs sieben acht neun".split(),
             "fr-FR": "zéro un deux trois quatre cinq six sept huit neuf".split()}
WORDS = ("six", "five", "three", "seven", "miss", "fish", "hiss", "tips", "sets", "fist", "hits", "vest")
ESPEAK = ("en+klatt2", "en+klatt4", "mb-us1", "mb-us2")
ESPEAK_STYLES = ((150, 50), (200, 35))  # (words per minute, pitch)
FESTIVAL = ("ked_diphone", "don_diphone", "us1_mbrola", "rab_diphone")
FLITE = ("awb", "rms", "kal16", "slt")
STRETCHES = (0.85, 1.15)
PICO = {"en-US": WORDS, "en-GB": WORDS, "de-DE": ("sechs", "fünf", "drei", "sieben", "acht", "Fisch", "Tisch", "Post"),
        "fr-FR": ("six", "cinq", "trois", "sept", "fils", "vis", "chasse", "sac")}
# candidate readings: the least voiced frames read below main's MIN_SHORT_VOICED_READ, the frames a voiced frame is
# widened by each side
FEW_VOICED = 5
WIDEN = 1


def folder(out, name):
    os.makedirs(os.path.join(out, name), exist_ok=True)
    return os.path.join(out, name)


def fsdd_takes(takes, out):
    for path in glob.glob(os.path.join(FSDD, "*.wav")):
        if int(os.path.basename(path).split("_")[-1][:-4]) in takes:
            shutil.copy(path, out)


def unknown_digits(first_hex, out):
    """Speech Commands `_unknown_` clips of the digit words by speakers whose hash begins with one of `first_hex`,
    under synth_low's exclusions, leaving out clips a benchmark data file names."""
    excluded, named = excluded_speakers(), synth_flite.named_clips()
    listed = subprocess.run(["git", "-C", SC_GIT, "ls-tree", "--name-only", "HEAD", f"{SC_DIR}/_unknown_/"],
                            check=True, capture_output=True, text=True).stdout.split()
    for path in sorted(listed):
        name = os.path.basename(path)[:-len(".wav")]  # committed as WORD_SPEAKER_nohash_K.wav.wav
        word, speaker = name.split("_")[:2]
        if (word in synth_low.DIGITS and speaker[0] in first_hex and speaker not in excluded
                and f"{word}/{name[len(word) + 1:]}" not in named):
            git_show(SC_GIT, path, os.path.join(out, name))


def tune(out):
    """The forty-sixth pass's digits rebuilt, and this pass's real tuning sets."""
    for voice in ("en+klatt2", "mb-us1"):
        espeak_digits(voice, folder(out, f"esp-{voice}"))
    for voice in ("ked_diphone", "don_diphone", "us1_mbrola"):
        festival_digits(voice, folder(out, f"fest-{voice}"))
    for voice in ("awb", "rms", "kal16"):
        flite_digits(voice, folder(out, f"flite-{voice}"))
    for lang, words in TUNE_PICO.items():
        for k, word in enumerate(words):
            run("pico2wave", "-l", lang, "-w", f"{folder(out, 'pico-digits')}/{lang}_{k}.wav", word)
    fsdd_takes(range(10, 30), folder(out, "fsdd-10-29"))
    synth_low.speech_commands_clips(200, 12, folder(out, "sc-200"))
    synth_low.speech_commands_clips(synth_low.SC_FIRST, synth_low.SC_PER_WORD, folder(out, "sc-16k-e"))
    synth_low.speech_commands_clips(pico_floor.SC_FIRST, pico_floor.SC_PER_WORD, folder(out, "sc-16k-f"))
    synth_flite.speech_commands_after_f(folder(out, "sc-16k-g"))
    pico_8k.speech_commands_after_g(folder(out, "sc-16k-h"))
    voiced_frames.speech_commands_after_h(folder(out, "sc-16k-i"))
    synthvoice_sets.speech_commands_after_i(folder(out, "sc-16k-j"), folder(out, "sc-16k-k"))
    unknown_digits("01234567", folder(out, "sc-unknown-tune"))


def build(out):
    """The untouched sets (tests/benchmarks/data/shortwords_untouched.md)."""
    voiced_frames.espeak(folder(out, "sw-esp-u"), ESPEAK, WORDS, ESPEAK_STYLES)
    synthvoice_sets.festival(folder(out, "sw-fest-u"), FESTIVAL, WORDS, STRETCHES)
    synthvoice_sets.flite(folder(out, "sw-flite-u"), FLITE, WORDS, STRETCHES)
    for lang, words in PICO.items():
        for k, word in enumerate(words):
            run("pico2wave", "-l", lang, "-w", f"{folder(out, 'sw-pico-u')}/{lang}_{k}.wav", word)
    unknown_digits("89abcdef", folder(out, "sc-unknown-u"))
    fsdd_takes(range(30, 38), folder(out, "fsdd-30-37"))
    for name in sorted(os.listdir(out)):
        print(name, len(os.listdir(os.path.join(out, name))))



def _selections():
    """name -> (frames -> (which speech frames to read, periods)), each a stand-in for synthetic_voice._voiced."""
    from engine.detectors import synthetic_voice

    voiced = synthetic_voice._voiced

    def unvoiced(frames):
        is_voiced, periods = voiced(frames)
        return ~is_voiced, periods

    def widened(frames):
        is_voiced, periods = voiced(frames)
        out = is_voiced.copy()
        for step in range(1, WIDEN + 1):
            out[step:] |= is_voiced[:-step]
            out[:-step] |= is_voiced[step:]
        return out, periods

    return {"voiced": voiced, "unvoiced": unvoiced, "widened": widened}


def read(audio):
    """(speech frames, voiced frames, the network's score over the whole word, its voiced, unvoiced and widened voiced
    frames (NaN under 5 of them))."""
    from unittest import mock

    from engine.detectors import synthetic_voice as sv

    x = sv.level_normalised(audio)
    if x.size < sv.FRAME + 4 * sv.HOP:
        return [0, 0] + [np.nan] * 4
    frames, power = sv._spectra(x)
    speech = sv._speech(power.sum(axis=1))
    row = [int(speech.sum()), int(sv._voiced(frames[speech])[0].sum()), float(sv.voice_scores([audio], missing=np.nan)[0])]
    for select in _selections().values():
        with mock.patch.object(sv, "_voiced", select):
            row.append(float(sv.voiced_scores([audio], FEW_VOICED)[0]))
    return row


def readings(case, out, paths):
    """Every kept reference recording's readings and each file's (`read`), saved to `out`."""
    from engine.data import representations
    from engine.data.loaders import load_recording

    with np.load(os.path.join(case, "profiles", "reference.npz"), allow_pickle=False) as profile:
        audio, bounds = profile["ref_audio"].astype(np.float64), profile["ref_audio_bounds"]
    reference = [read(audio[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    rows = [read(representations.to_speech_rate(*load_recording(p))) for p in paths]
    np.savez(out, reference=np.array(reference), rows=np.array(rows), paths=np.array(paths))


SHARE = 0.00125  # synthetic-voice's share of alpha = 1 % in a profile-only FSDD case (weight about 0.13)


def tails(reference, rows):
    """{reading: (n,) tail probability}: main's (the whole word, and its voiced frames from 10, the smaller doubled)
    and the candidates' (main's, plus the voiced frames of words of FEW_VOICED-9 against the reference takes holding
    FEW_VOICED or more, the smaller doubled; the unvoiced frames alone, against the takes holding 10 or more; the
    widened voiced frames of words under 15, against the takes read alike, the smaller doubled)."""
    from engine.detectors import calibration
    from engine.detectors.synthetic_voice import MIN_SHORT_VOICED_READ, MIN_VOICED_READ

    def against(held, scores):
        model = calibration.tail_model(held[np.isfinite(held)])
        return np.where(np.isfinite(scores), calibration.tail_probability(model, np.nan_to_num(scores, nan=0.0)), 1.0)

    ref_voiced, voiced = reference[:, 1], rows[:, 1]
    whole = against(reference[:, 2], rows[:, 2])
    own = np.where(voiced >= MIN_VOICED_READ, against(reference[ref_voiced >= MIN_VOICED_READ, 3], rows[:, 3]),
                   np.where(voiced >= MIN_SHORT_VOICED_READ,
                            against(reference[ref_voiced >= MIN_SHORT_VOICED_READ, 3], rows[:, 3]), np.inf))
    main = np.where(np.isfinite(own), np.minimum(1, 2 * np.minimum(whole, own)), whole)
    few = np.where((voiced >= FEW_VOICED) & (voiced < MIN_SHORT_VOICED_READ),
                   np.minimum(1, 2 * np.minimum(whole, against(reference[ref_voiced >= FEW_VOICED, 3], rows[:, 3]))),
                   main)
    unvoiced = rows[:, 0] - voiced >= 10
    widened = np.where(voiced < MIN_VOICED_READ, np.minimum(1, 2 * np.minimum(whole, against(reference[:, 5], rows[:, 5]))),
                       main)
    return {"main": main, f"+ voiced from {FEW_VOICED}": few,
            "unvoiced alone": np.where(unvoiced, against(reference[reference[:, 0] - ref_voiced >= 10, 4], rows[:, 4]), 1.0),
            f"voiced widened by {WIDEN} (under 15)": widened}


def compare(*saved):
    """Per set (a file's folder) and reading, how many files reach synthetic-voice's share of alpha and how many a
    tail under 0.01; the files a candidate moves under 0.01."""
    for path in saved:
        with np.load(path, allow_pickle=False) as data:
            reference, rows, paths = data["reference"], data["rows"], data["paths"]
        by_reading = tails(reference, rows)
        sets = np.array([os.path.basename(os.path.dirname(p)) for p in paths])
        for name in sorted(set(sets)):
            here = sets == name
            print(f"{name} ({here.sum()}): " + "; ".join(
                f"{reading} {np.sum(p[here] <= SHARE)} ({np.sum(p[here] < 0.01)} under 0.01)"
                for reading, p in by_reading.items()))
        for reading, p in list(by_reading.items())[1:]:
            for k in np.flatnonzero((p < 0.01) & (p < by_reading["main"])):
                print(f"  {reading}: {paths[k]} voiced frames {rows[k, 1]:.0f}: "
                      f"{by_reading['main'][k]:.2g} -> {p[k]:.2g}")



def traits(audio):
    """Simple traits of a word's speech frames that the network's statistics do not hold, apart over its voiced (v_)
    and unvoiced (u_) frames: the spectral centroid (Hz), the share of power above 2 kHz, the spectral flatness, the
    mean change of the band log energies from frame to frame, the spread of 2-ms energies within a frame (an impulse
    excitation's peaks, a noise burst's evenness); and the unvoiced frames' level against the voiced (dB), the speech's
    length (ms), the log period's range and median step, the quiet frames' floor against the loud (dB)."""
    from engine.detectors import synthetic_voice as sv

    x = sv.level_normalised(audio)
    if x.size < sv.FRAME + 4 * sv.HOP:
        return None
    frames, power = sv._spectra(x)
    energy = power.sum(axis=1)
    speech = sv._speech(energy)
    voiced, periods = sv._voiced(frames[speech])
    power, frames = power[speech], frames[speech]
    hz = np.fft.rfftfreq(sv.FRAME, 1 / sv.RATE)
    total = power.sum(axis=1) + 1e-30
    blocks = (frames[:, :sv.FRAME - sv.FRAME % 16].reshape(len(frames), -1, 16) ** 2).mean(axis=2)
    per_frame = {"centroid": (power * hz).sum(axis=1) / total, "high_share": power[:, hz >= 2000].sum(axis=1) / total,
                 "flatness": np.log(power + 1e-12).mean(axis=1) - np.log(power.mean(axis=1) + 1e-12),
                 "flux": np.r_[np.nan, np.abs(np.diff(np.log(power @ sv._filterbank().T + 1e-8), axis=0)).mean(axis=1)],
                 "modulation": blocks.std(axis=1) / (blocks.mean(axis=1) + 1e-30)}
    out = {}
    for name, values in per_frame.items():
        for side, which in (("v_", voiced), ("u_", ~voiced)):
            kept = values[which][np.isfinite(values[which])]
            out[side + name] = float(np.median(kept)) if kept.size else np.nan
    level = 10 * np.log10(total)
    log_period = np.log(periods[voiced].astype(np.float64))
    out.update({"u_minus_v_db": float(np.median(level[~voiced]) - np.median(level[voiced]))
                if voiced.any() and (~voiced).any() else np.nan,
                "speech_ms": 10.0 * speech.sum(),
                "pitch_range": float(np.ptp(log_period)) if log_period.size >= 3 else np.nan,
                "pitch_step": float(np.median(np.abs(np.diff(log_period)))) if log_period.size >= 3 else np.nan,
                "floor_db": float(10 * np.log10((np.quantile(energy, 0.05) + 1e-30) / np.quantile(energy, 0.95)))})
    return out


def trait_scan(verdicts, real_paths):
    """Per trait, the real files' 0.5th and 99.5th percentiles, and how many of the synthesised files a verdict JSON
    did not label generated (its misses) and of all its files lie beyond them."""
    import json

    from engine.data import representations
    from engine.data.loaders import load_recording

    def measured(paths):
        found = [traits(representations.to_speech_rate(*load_recording(p))) for p in paths]
        return [t for t in found if t is not None]

    with open(verdicts) as f:
        files = json.load(f)["files"]
    synthesised = measured([e["path"] for e in files])
    misses = measured([e["path"] for e in files if e["label"] != "generated"])
    real = measured(real_paths)
    for name in real[0]:
        values = np.array([t[name] for t in real])
        low, high = np.nanpercentile(values, [0.5, 99.5])
        beyond = lambda rows: f"{sum(t[name] < low for t in rows)}/{sum(t[name] > high for t in rows)}"  # noqa: E731
        print(f"{name:14s} real 0.5-99.5 % {low:9.3f} {high:9.3f} | misses below/above {beyond(misses)} of "
              f"{len(misses)} | all synthesised below/above {beyond(synthesised)} of {len(synthesised)}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("tune", "build"):
        {"tune": tune, "build": build}[sys.argv[1]](sys.argv[2])
    elif len(sys.argv) > 4 and sys.argv[1] == "readings":
        readings(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) > 2 and sys.argv[1] == "compare":
        compare(*sys.argv[2:])
    elif len(sys.argv) > 3 and sys.argv[1] == "traits":
        trait_scan(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)

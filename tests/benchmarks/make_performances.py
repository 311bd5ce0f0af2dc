"""MIDI performances (docs/studies.md, "MIDI performances", twenty-fourth pass): writes the sets, judged with

    python main.py case new CASE --reference 'builtin:bach[0:300]'
    python tests/benchmarks/make_performances.py OUT
    python main.py verdict OUT/SET --case CASE --json SET.json      (for each SET below)

Named before measuring. Tuning: the real chorales resources/bach (sorted) [300:360] played by the default
Performer at 72 and at 100 bpm (seeds 100+k, 200+k). Untouched (run once, at the end): [380:411] played
by another model (56 or 120 bpm, drift 4 % a beat, asynchrony 25 ms, notes held 3/4 of their length, the
last 4 beats slowed to 0.6, seeds 900+k, 950+k). Second round (after the untouched sets above had shown detached playing's cost): tuning `detached80`,
[300:360] at 80 bpm, notes held 0.7 of their length, asynchrony 20 ms (seeds 300+k); untouched, named before
measuring and run once: [360:380] (the lead's held-out chorales, so far played by mkperf only) at 66 and
110 bpm, held 0.8, asynchrony 20 ms, drift 3.5 %, velocities 35-110, the last 3 beats slowed to 0.7 (seeds
7000+k, 7100+k). Generated: first-order chord-event chains fitted on the
reference's fitting part (builtin:bach[0:240], tests/synthetic_music.py), 40 of 16 bars, and as many
first-order chains over quarter-note chords, as written and played by the default Performer at 72 bpm
(seeds 500+k).
Twenty-fifth pass (docs/studies.md, "MIDI performances: detached playing"): tuning `detached50` and
`detached130`, [300:360] at 50 bpm held 0.5 and at 130 bpm held 0.6, drift 4 %, asynchrony 25 ms, the last
4 beats slowed to 0.6 (seeds 1200+k, 1300+k). Untouched, named before measuring and run once: [300:411] rolled
at 62 bpm (each chord rolled from the bass up over 20-40 ms, notes held 0.6 +- 0.08, drift 3 %, asynchrony
15 ms, the last 4 beats slowed to 0.65, velocities 40-115; seeds 8000+k) and with heavy rubato at 118 bpm
(drift 6 % a beat up to 30 %, held 0.85, asynchrony 25 ms; seeds 8200+k); generated: new chord-event chains
and quarter-note chains (seeds 8500, 8501), 40 each, played by the rolling performer (seeds 8600+k). After
that run, tuning: `rubato100`, [300:360] at 100 bpm with the rubato of the untouched set (seeds 1400+k);
`spread80`, [300:360] at 80 bpm held 0.65 +- 0.1, asynchrony 20 ms (seeds 1500+k); the tuning chains
(seeds 500, 501) played at 72 bpm held 0.6 +- 0.08 (`spread72`, seeds 500+k).
"""
import os
import sys

import numpy as np

from tests import synthetic_music
from tests.performed_midi import Performer, midi_notes, perform, roll_notes

BACH = os.path.join(os.path.dirname(__file__), "..", "..", "resources", "bach")
UNTOUCHED = dict(drift=0.04, asynchrony=0.025, articulation=0.75, ritardando=(4, 0.6))
N_GENERATED = 40


def performed(folder, files, performer, first_seed):
    os.makedirs(folder, exist_ok=True)
    for k, path in enumerate(files):
        with open(path, "rb") as handle:
            data = perform(midi_notes(handle.read()), performer, first_seed + k)
        with open(os.path.join(folder, os.path.basename(path)), "wb") as handle:
            handle.write(data)


ROLLED = Performer(bpm=62, roll=(0.02, 0.04), articulation=0.6, articulation_spread=0.08, drift=0.03,
                   asynchrony=0.015, ritardando=(4, 0.65), velocities=(40, 115))
RUBATO = Performer(bpm=118, drift=0.06, max_drift=0.3, articulation=0.85, asynchrony=0.025)


def chains(out, seeds=(500, 501), performers=(("played72", Performer(bpm=72)),), first_seed=500):
    from engine.data.specs import load_spec
    from engine.data.writers import write_midi
    from engine.detectors.profile import item_groups

    fit = load_spec("builtin:bach[0:240]")
    pieces = synthetic_music.file_rolls(fit.x, item_groups(fit.items, fit.n)[0])
    sets = {"chain1": synthetic_music.chord_chain(pieces, 1, N_GENERATED, seed=seeds[0]),
            "quarter-chain1": synthetic_music.sliced_chain(pieces, 4, N_GENERATED, seed=seeds[1])}
    tag = "" if seeds == (500, 501) else f"-{seeds[0]}"
    for name, rolls in sets.items():
        written = os.path.join(out, f"{name}{tag}-written")
        os.makedirs(written, exist_ok=True)
        for k, roll in enumerate(rolls):
            write_midi(os.path.join(written, f"chain{k:03d}.mid"), roll.astype(np.float32) * (80 / 127))
        for style, performer in performers:
            played = os.path.join(out, f"{name}{tag}-{style}")
            os.makedirs(played, exist_ok=True)
            for k, roll in enumerate(rolls):
                with open(os.path.join(played, f"chain{k:03d}.mid"), "wb") as handle:
                    handle.write(perform(roll_notes(roll), performer, first_seed + k))


def main(out):
    files = sorted(os.path.join(BACH, name) for name in os.listdir(BACH) if name.endswith(".mid"))
    performed(os.path.join(out, "tune72"), files[300:360], Performer(bpm=72), 100)
    performed(os.path.join(out, "tune100"), files[300:360], Performer(bpm=100), 200)
    performed(os.path.join(out, "untouched56"), files[380:411], Performer(bpm=56, **UNTOUCHED), 900)
    performed(os.path.join(out, "untouched120"), files[380:411], Performer(bpm=120, velocities=(30, 120), **UNTOUCHED),
              950)
    performed(os.path.join(out, "detached80"), files[300:360], Performer(bpm=80, articulation=0.7, asynchrony=0.02),
              300)
    second = dict(articulation=0.8, asynchrony=0.02, drift=0.035, velocities=(35, 110), ritardando=(3, 0.7))
    performed(os.path.join(out, "untouched66"), files[360:380], Performer(bpm=66, **second), 7000)
    performed(os.path.join(out, "untouched110"), files[360:380], Performer(bpm=110, **second), 7100)
    extreme = dict(drift=0.04, asynchrony=0.025, ritardando=(4, 0.6))
    performed(os.path.join(out, "detached50"), files[300:360], Performer(bpm=50, articulation=0.5, **extreme), 1200)
    performed(os.path.join(out, "detached130"), files[300:360], Performer(bpm=130, articulation=0.6, **extreme), 1300)
    chains(out, performers=(("played72", Performer(bpm=72)),
                            ("spread72", Performer(bpm=72, articulation=0.6, articulation_spread=0.08))))
    performed(os.path.join(out, "untouched-rolled62"), files[300:411], ROLLED, 8000)
    performed(os.path.join(out, "untouched-rubato118"), files[300:411], RUBATO, 8200)
    chains(out, seeds=(8500, 8501), performers=(("rolled62", ROLLED),), first_seed=8600)
    performed(os.path.join(out, "rubato100"), files[300:360], Performer(bpm=100, drift=0.06, max_drift=0.3,
                                                                        articulation=0.85, asynchrony=0.025), 1400)
    performed(os.path.join(out, "spread80"), files[300:360],
              Performer(bpm=80, articulation=0.65, articulation_spread=0.1, asynchrony=0.02), 1500)


if __name__ == "__main__":
    main(sys.argv[1])

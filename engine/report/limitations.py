"""What the verdicts can and cannot tell: the guarantee, the measured error rates, the blind spots.

The measured rates are the tool's validation study (docs/verdicts.md, "Results", seventh
pass, alpha = 1 %): held-out real files and files of generators the case never registered,
judged by fresh benchmark cases. They describe the method, not this case; a case's own
self-test (`case validate`) is shown beside them when it was run.
"""
from engine.detectors.channel_limits import CHANNEL_LIMITS
from engine.findings import percent

# (modality, real files labelled generated, generated files caught, what was judged)
BENCHMARK = (
    ("image", "1-4 of 500 held-out MNIST digits (0.2-0.8 %)",
     "500 of 500 for plain GAN and LSGAN generators of seeds the case never saw; only 43 of 500 (8.6 %) for one "
     "trained five times longer (38 of 500 after the case's zoo)",
     "PNG digits; unregistered DCGAN-type generators, other seeds"),
    ("speech", "0-1 of 100 recordings of a held-out speaker; up to 6 of 400 further takes (1.5 %)",
     "99-100 of 100 for plain GAN and LSGAN generators; 97 of 100 for a WGAN-GP generator (3 inconclusive); "
     "99 of 100 for one trained four times longer (1 inconclusive)",
     "FSDD spoken digits, three held-out speakers; mel patches"),
    ("music", "1 of 110 held-out files (0.9 %: BWV 846, a prelude, not a chorale)",
     "100 of 100 for plain GAN (two training lengths) and WGAN-GP generators",
     "Bach chorales as MIDI"),
)
BLIND_SPOTS = {
    "image": ["Generators whose output is quantised to 8-bit PNG and trained far longer than the case's own: "
              "the checkerboard fades and detection rests on stray faint values and on where the figure sits "
              "(an MNIST DCGAN trained five times longer: 63 % caught by the reference's detectors, a tanh DCGAN "
              "99 %, an LSGAN 80 %).",
              "A real figure moved by a whole pixel (cropped or padded again) is no longer placed as the reference "
              "places its figures: 31-57 % of MNIST digits so moved fall below the placement detector's threshold.",
              "Photographs or image kinds other than the reference's: the reference defines 'real'; a real file "
              "from another source may look unusual.",
              "A real image saved as JPEG at quality 100, or as a colour lossy WebP, and then losslessly (PNG, BMP): "
              "about a third of quality 100 and every colour WebP are not read from the pixels (JPEG at 20-99 and "
              "grey WebP are) and such an image is judged as a clean one: 1.5-2 % of real digits through JPEG 100 "
              "labelled generated. Resized copies: a Lanczos round trip is read from the pixels (its halo) and judged "
              "against the reference resized alike; a loss of resolution with other filters and a cubic spline's "
              "ripple are not read, and read as a generator's haze.",
              "Traits a channel erases: "
              + "; ".join(f"{channel}: {what}" for channel, what in CHANNEL_LIMITS["image"]) + "."],
    "speech": ["Speech GANs trained much longer than the case's own are caught by the learned detectors of the "
               "case's GANs: from the reference detectors alone 81 % (the rest inconclusive).",
               "Speakers, microphones and rooms unlike the reference: a rough or unusual voice can look unusual "
               "(up to 1.5 % of real takes labelled generated; a quiet recorder through GSM 06.10 4 %). Read speech "
               "recorded elsewhere, in a spoken-digit case: clean read sentences of other corpora labelled real (82 of "
               "82 from four sources), judged by the network trained on outside voices against real read speech of "
               "other speakers as well, which costs sentences of unit-based synthesisers keeping a microphone's floor "
               "(caught 2-10 of 14 per voice). A 'generated' on speech unlike the "
               "reference's is weak evidence.",
               "Non-GAN synthesisers: caught by digital silence (espeak-ng 100 %), a pitch period or a pitch cycle "
               "repeated exactly (festival's English, Czech and Italian diphone voices 95-100 %, its Finnish and Hindi "
               "ones 80-85 %; not through GSM 06.10, MP3, Vorbis or Opus) "
               "and a network trained on outside voices (FreeTTS, an engine it never saw, 70-90 %); flite's default "
               "voice kal by its integer LPC synthesis on a mu-law residual (40 of 40 digits; not resampled or "
               "through a lossy codec), flite's kal16 mostly passes as real (15 %), and an engine left out of that network's training "
               "is caught far less (festival 8.5 %); LPC resynthesis of real recordings 0-2 %; Griffin-Lim inversion of "
               "a mel spectrogram by the smoothness it leaves at 2.5-3.8 kHz (93-100 % on inversions nobody tuned on; "
               "not through GSM 06.10, MP3, Vorbis, Opus or a band limit, nor after a neural vocoder). "
               "Silence padded onto a real recording's ends is set aside (at rates other than 8 kHz padding of a round "
               "length, 0.25 s or to 1 s, say, or of equal length at both ends: other padding at one end reads as a "
               "synthesiser's silence); a noise gate's closed stretches are set aside when its release "
               "fades the sound down over 10 ms or more (a synthesiser put through such a gate passes as gated), but a quiet room's recording whose gate is still releasing when "
               "the file ends, or whose pauses a suppressor rounded to exact zeros, can be labelled generated by its "
               "silence (up to 5 % through the gates and suppressors measured; a suppressor's residual at the 16-bit "
               "step is read as a recorder's floor since the fourteenth pass).",
               "Traits a channel erases: "
               + "; ".join(f"{channel}: {what}" for channel, what in CHANNEL_LIMITS["speech"]) + "."],
    "music": ["Music is judged by its notes (chord transitions, durations, velocities), not by sound: a generator "
              "trained on the same corpus that respects its harmony may pass.",
              "Real music of another style than the reference (a prelude among chorales) looks unusual.",
              "A file that is a verbatim excerpt of one reference piece is that piece's notes: whether it was cut by "
              "a person or replayed by a model that memorised the piece cannot be told, and `replay` stands aside "
              "(the verdict names the piece).",
              "A performance recorded without a click is judged quantised to beats tracked from its onsets: where a "
              "generator's notes fall in the bar is then mostly lost, and detached playing can be misread "
              "(docs/verdicts.md, 'Limits')."],
}
COMMON_BLIND_SPOTS = [
    "Learned detectors (CNN, logistic regression, inverse models) know the generators registered in the case; "
    "a generator of another family is seen only by the reference detectors.",
    "Edits and channels were validated one at a time and in a few chains (JPEG, WebP, codecs, noise, resampling; "
    "docs/verdicts.md, 'Channels'); other edits, and chains of many, were not.",
    "The verdict compares a file with the case's reference only; it says nothing about who made the file or when.",
]


def guarantee_text(alpha, factor):
    return (f"Each verdict is a decision at a false-positive rate of α = {percent(alpha)}: a file is reported "
            f"'Generated' when its combined tail probability is at most α, 'Consistent with real files' when it is "
            f"above {factor:g}α = {factor * alpha:.2g}, and 'Inconclusive' in between. The calibration is "
            f"conformal: for a real file drawn from the same distribution as the reference's held-out calibration "
            f"files, each detector's tail probability is valid, and the weighted Bonferroni combination keeps the "
            f"chance of reporting such a file as generated at or below α whatever the dependence between the "
            f"detectors. The guarantee does not extend to real files from other sources (another speaker, "
            f"microphone, writer, style): those are covered only by the measured rates below.")


INCONCLUSIVE_TEXT = ("'Inconclusive' means the file is more unusual than most real files of the reference but not "
                     "enough to be reported as generated at α: read it as 'not shown to be real', never as 'real'. "
                     "'Consistent with real files' means no detector found the file unusual; a generator none of "
                     "the detectors can see would give the same finding.")


def self_test_rows(audit_log):
    """The latest `case validate` results recorded in the case's audit log, or None when it was never run.

    Rows: (what, detected or false-positive rate, n)."""
    import json

    found = None
    for entry in audit_log:
        if entry.get("action") != "case_validated" and not str(entry.get("action", "")).startswith("validat"):
            continue
        try:
            params = json.loads(entry.get("params_json") or "{}")
        except ValueError:
            continue
        if isinstance(params, dict) and ("families" in params or "sources" in params):
            found = params
    if found is None:
        return None
    rows = [("generator families", found["families_note"], "-")] if found.get("families_note") else []
    for f in found.get("families") or []:
        n = f.get("n") or 0
        refused = f" ({f['refused']} more refused as evidence, not judged)" if f.get("refused") else ""
        rows.append((f"family {f.get('family')} (left out of training)",
                     f"{f.get('detected')} of {n} detected" + (f" ({f.get('detected', 0) / n:.0%})" if n else "")
                     + refused, n))
    for s in found.get("sources") or []:
        rate = s.get("false_positive_rate")
        rows.append((f"real source {s.get('source')} (left out)",
                     f"false-positive rate {rate:.1%}" if isinstance(rate, (int, float)) else "-", s.get("n")))
    return rows

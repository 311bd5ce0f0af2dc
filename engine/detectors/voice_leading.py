"""Voice leading: whether a piece is written in parts the way the reference chorales are.

A chorale is four voices that move together under rules: two voices do not move in parallel
fifths or octaves, what sounds on a beat is a chord (a triad or a seventh chord; dissonances
pass quickly), and the long notes fall at one place in the bar. A model that writes each voice
on its own (a Markov chain per voice, a random walk) breaks the harmony; a melody harmonised by rule with
block chords moves its voices in parallels; a chain over chords that splices pieces shifts
its long notes across the bar. Chains over whole chords keep every chord and transition
(the chroma, tonality and copying detectors look at those), so these rules speak to the
families they cannot see.

Seven statistics per file, read from its whole roll (patches end to end, any velocity = on);
the voices are the sounding pitches in order (lowest = bass), so no track layout is needed (a file naming its
choir beside other parts is read on its choir too, below):
- `parallels`: parallel fifths and octaves (two voices a fifth or an octave apart, modulo
  octaves, moving in the same direction to the same interval) per transition between
  successive four-note chords; in a profile holding `voice_leading_phrase_ends`, not across a phrase's end
  (a transition out of a chord held a half note or more, PHRASE_END: a fermata), where a new phrase may start
  with every voice a step or a leap away, as the chorales do (the embedded chorales' transitions out of such a
  chord hold 2.8 parallel pairs per hundred, the others 0.7). One such transition among the few of a short
  excerpt had set a real 4-bar excerpt past the whole pieces' tail (bwv353: its voices rise a fourth together
  after a fermata, three pairs among 13 transitions; docs/studies.md, "Excerpts of chorales the reference
  lacks", fifty-first pass);
- `non-chord beats`: share of the sounding quarter beats whose pitch classes fit in no
  major, minor or diminished triad nor any of five seventh chords;
- `long dissonance`: share of the sounding time taken by such sonorities lasting a quarter
  note or more;
- `metric`: one minus the largest share of the long notes' (a half note or more) length
  whose onsets fall at one position modulo 8 or 12 steps (a half bar of 4/4, a bar of 3/4);
- `stray pitches`: share of the successive sonorities (chords, after the first sounding one)
  that sound another number of pitches than the one before and no triad or seventh chord.
  Four voices change their number only where two meet on one pitch or one rests, and what
  they sound then is still mostly the chord (a reference chorale: median 1 %, at most 16 %); a
  model drawing each pitch on its own (a Bernoulli per pitch, as the frame RNNs and
  Transformers over JSB's quarter chords do) adds and drops stray pitches that fit no chord
  (17-53 %; docs/studies.md, thirty-fifth pass). Read per sonority, not per beat, it is the
  same at any time scale (engine/detectors/time_scale.py reads a file at half its quarters too);
- `voices at once`: share of the successive sonorities whose number of pitches differs from the
  one before by three or more. Voices enter and leave one or two at a time (two meet, a pair
  rests, a keyboard figure alternates one pitch with three), so three at once is a texture all
  but emptied or filled in one step: a reference chorale 0 % (99th percentile 5 %, at most 7 %;
  sampled at the quarter beat 6 % and 21 %, bwv248.64-6's orchestra); a Transformer drawing each pitch on
  its own drops voices inside the chord, which stray pitches cannot see, and jumps so on a median
  13-17 % of its sonorities (docs/studies.md, "JSB Transformers: voices at once"). Per sonority,
  like stray pitches, so the same at any time scale.
- `thin texture`: share of the sounding time with fewer than four pitches sounding. Four voices
  sound four pitches but where two meet or one rests (a JSB chorale: median 9 %, at most 31 %);
  a model drawing each pitch on its own sounds one to three on half its time or more (the small
  Transformers over JSB's quarter chords 28-72 %). The reference's keyboard prelude (bwv846,
  one pitch at a time) and chorales with an orchestra resting reach it too, so this statistic
  alone is not a test; beside the others it is the one a Transformer that drops voices one at a
  time breaks most (docs/studies.md, fortieth pass). Per time, so the same at any time scale,
  which matters: a file on the quarter grid is judged against the reference sampled so and, read
  at half its quarters (engine/detectors/time_scale.py), against the reference as written, the
  larger tail probability applying, so both readings must hold the statistic.

Each share is read with the number of events it is a share of (transitions, beats, sounding quarters, long notes,
sonorities): shrunk as if PRIOR_EVENTS more of its events had come at the reference's pooled rate (all reference files'
events together). A whole chorale holds 50-100 of each and barely moves; a 4-bar excerpt's 13 transitions, two of
them parallels, had been set past the whole pieces' tail by chance (real 4-bar excerpts of pieces the reference lacks
were labelled generated 3-4 % of the time by this detector alone, as written, transposed, re-timed or re-written;
docs/studies.md, "Real chorales as an outside user writes them", fifty-sixth pass). The reference is read the same
way, so its scaling and calibration are of shrunk statistics; a profile made before lacks `voice_leading_pooled` and
reads the shares as they are.

Each is compared with the reference files: centred on their median and divided by the
distance from the median to their 90th percentile (at least MIN_SPREAD); the score is the sum
of the squared excesses above the median (only the high side counts: these rules are broken,
not over-kept), each excess capped at CAP spreads in a profile holding all seven (profiles made
before were fitted uncapped and are judged so). The cap is why the seventh statistic can count:
a reference piece breaking one rule as no chorale does (bwv846's thin texture, 12 spreads; an
orchestra's voices at once) would otherwise set the calibrated tail alone, while a generator
breaks several rules together; a capped sum says how many rules a file breaks and by how much,
one rule weighing at most CAP squared. A sum of squares of one-sided terms has an exponential-type tail, which the
calibration's tail model extrapolates well. Every statistic is of intervals, chord types and
positions in quarter-note steps, so transposition, tempo, MIDI resolution and velocity
change nothing. The medians and spreads are fitted, so the calibration is cross-fitted.

A file on the quarter grid (an edition sampled at the quarter beat, engine/detectors/quarter_grid.py) loses the
passing eighths that kept its voices' fifths and octaves apart: it is judged against the reference sampled so, whose
scaling and calibration `case new` fits beside the others (the `quarter` arrays; profiles made before lack them).

A verbatim excerpt of a reference piece stands aside (`informative`, weight 0), as it does for `replay`
(engine/detectors/replay.py `verbatim_piece`): its notes are that piece's, which the reference holds, so what its rules
find there is the reference's own. The calibration is over whole reference pieces, and an excerpt concentrates one
passage of its piece: horns over a resting choir (bwv79.3), an orchestra's bars (bwv8.6), a run of parallels among
few transitions, each past the whole pieces' tail though the whole piece is not (in a `builtin:bach` case, 8 bars of
`bach[300:]` 3 of 98 labelled generated, each by this detector alone). A model's file holds n-grams of chords that no
piece or another piece holds, and is judged (docs/studies.md, "Real chorale excerpts: voice-leading stands aside
for a verbatim excerpt", forty-ninth pass). Profiles made before lack `voice_leading_excerpts` and judge every file.

A file that names its choir's four parts beside other parts (a chorale with horns, trumpets, an orchestra or a
continuo, each on a part of its own: engine/data/choir_parts.py) is judged on all its parts and on its choir's alone,
the lower score (the larger tail probability) applying: these rules are the four voices', and a piano roll reads an
instrument's line as a fifth voice (bwv79.3's horns over a resting choir: all parts 0.0013, its choir 0.10, in a
`bach[0:300]` case). The reference is read on all its parts, as before, so its instrumental chorales keep the tail
where it was; the lower score can only lower a file's alarm, and a model writing four voices, or one track, holds no
other part (docs/studies.md, "Held-out chorales with instruments: voice-leading reads the choir's parts",
fifty-fifth pass). A file read at another multiple of its quarter notes (engine/detectors/time_scale.py) has its
choir read so too. Profiles made before lack `voice_leading_choir` and read all parts alone.

Not read: the spacing of the upper voices (within an octave of each other). It was built and
caught per-voice chains, but a real chorale with an instrumental descant above the soprano
(bwv79.3, horns) broke it more than any generator, and the sounding pitches cannot tell a
descant from a voice (docs/verdicts.md, "Music").
"""
import numpy as np

from engine.detectors import calibration
from engine.detectors.copying import file_roll, file_rolls
from engine.detectors.detector import CROSS_FITTED, Detector, median
from engine.detectors.quarter_grid import sampled
from engine.detectors.replay import excerpt_piece

STATISTICS = ("parallels", "non-chord beats", "long dissonance", "metric", "stray pitches", "voices at once",
              "thin texture")
OLDER_STATISTICS = 4  # a profile made before `stray pitches` holds the first four; it is judged on those
PHRASE_END = 8  # a chord held this many steps (a half note) or more ends a phrase (`parallels`)
AT_ONCE = 3  # voices entering or leaving together in one step (`voices at once`)
VOICES = 4  # a chorale's texture (`thin texture`: time sounding fewer pitches)
# the largest scaled excess of one statistic in a profile holding all of them (fortieth pass, emulated: at 5 a real JSB
# chorale was labelled generated, at 10 fewer Transformers were caught)
CAP = 8.0
CAPPED_FROM = 7  # profiles holding this many statistics or more were fitted with the cap (those before, uncapped)
BEAT = 4  # steps per quarter note (engine/data/representations.py)
LONG = 8  # a half note
METRIC_PERIODS = (8, 12)
OCTAVE = 12
MIN_SPREAD = 0.02
# pseudo-events at the reference's pooled rate added to every statistic's own (`shrunk`; fifty-sixth pass, tuned on
# `bach[300:350]`'s 4-bar excerpts: 8 and 12 freed the same real files, 16 lost 4 of 30 per-voice chains at 8 bars)
PRIOR_EVENTS = 8
CHORD_SHAPES = ((0, 4, 7), (0, 3, 7), (0, 3, 6), (0, 4, 7, 10), (0, 4, 7, 11), (0, 3, 7, 10), (0, 3, 6, 10),
                (0, 3, 6, 9))


def _chord_masks():
    masks = {sum(1 << ((root + i) % OCTAVE) for i in shape) for root in range(OCTAVE) for shape in CHORD_SHAPES}
    return np.array(sorted(masks), dtype=np.int64)


CHORDS = _chord_masks()
# every pitch-class set (12-bit mask) that fits inside a chord
IN_A_CHORD = np.zeros(1 << OCTAVE, dtype=bool)
IN_A_CHORD[[m for m in range(1 << OCTAVE) if np.any((CHORDS & m) == m)]] = True


def _events(roll):
    """(onsets, lengths, sorted pitches per event) of the roll's successive chords (sounding sets)."""
    steps = roll.shape[1]
    change = np.ones(steps, dtype=bool)
    change[1:] = np.any(roll[:, 1:] != roll[:, :-1], axis=0)
    onsets = np.flatnonzero(change)
    lengths = np.diff(np.append(onsets, steps))
    return onsets, lengths, [np.flatnonzero(roll[:, t]) for t in onsets]


def _masks(roll):
    """12-bit pitch-class mask of each step."""
    pcs = np.zeros((OCTAVE, roll.shape[1]), dtype=bool)
    for pc in range(OCTAVE):
        pcs[pc] = roll[pc::OCTAVE].any(axis=0)
    return (1 << np.arange(OCTAVE)) @ pcs.astype(np.int64)


def _parallels(chords, lengths, phrase_ends):
    """Parallel fifths and octaves between successive four-note chords, and the transitions counted; with
    `phrase_ends`, not out of a chord held PHRASE_END steps or more (module docstring)."""
    found, transitions = 0, 0
    for a, b, held in zip(chords, chords[1:], lengths):
        if a.size != 4 or b.size != 4 or (phrase_ends and held >= PHRASE_END):
            continue
        transitions += 1
        move = b - a
        for i in range(4):
            for j in range(i + 1, 4):
                before, after = a[j] - a[i], b[j] - b[i]
                if (move[i] != 0 and np.sign(move[i]) == np.sign(move[j]) and before == after
                        and before % OCTAVE in (0, 7)):
                    found += 1
    return found, transitions


def note_runs(roll):
    """(onsets, lengths) of every note (a run of one pitch)."""
    padded = np.zeros((roll.shape[0], roll.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = roll
    edges = np.diff(padded, axis=1)
    starts = np.nonzero(edges == 1)
    ends = np.nonzero(edges == -1)
    return starts[1], ends[1] - starts[1]  # both in (pitch, time) order, so they pair up


def statistics_of(roll, phrase_ends=False):
    """The statistics (STATISTICS order) of one boolean (128, steps) roll; `phrase_ends`: parallels not counted
    across a phrase's end (a profile made before counts them)."""
    return counted_statistics(roll, phrase_ends)[0]


def counted_statistics(roll, phrase_ends=False):
    """(statistics, events): the statistics of `statistics_of` and how many events each is a share of (transitions
    between four-note chords, quarter beats, sounding quarters, long notes, sonorities after the first, sonorities
    after the first, sounding quarters)."""
    onsets, lengths, chords = _events(roll)
    found, transitions = _parallels(chords, lengths, phrase_ends)
    parallels = found / transitions if transitions else 0.0
    masks = _masks(roll)
    beats = masks[::BEAT]
    beats = beats[beats > 0]
    non_chord = float(np.mean(~IN_A_CHORD[beats])) if beats.size else 0.0
    event_masks = masks[onsets]
    counts = np.array([chord.size for chord in chords])[event_masks > 0]
    sonorities = event_masks[event_masks > 0]
    changed = counts[1:] != counts[:-1]
    stray = float(np.mean(changed & ~IN_A_CHORD[sonorities[1:]])) if sonorities.size > 1 else 0.0
    at_once = float(np.mean(np.abs(np.diff(counts)) >= AT_ONCE)) if counts.size > 1 else 0.0
    sounding = lengths[event_masks > 0].sum()
    step_counts = roll.sum(axis=0)
    thin = float(np.mean(step_counts[step_counts > 0] < VOICES)) if sounding else 0.0
    long_bad = (~IN_A_CHORD[event_masks]) & (event_masks > 0) & (lengths >= BEAT)
    long_dissonance = float(lengths[long_bad].sum() / sounding) if sounding else 0.0
    note_onsets, note_lengths = note_runs(roll)
    long_notes = note_lengths >= LONG
    if long_notes.any():
        w = note_lengths[long_notes].astype(np.float64)
        at = note_onsets[long_notes]
        metric = 1.0 - max(np.bincount(at % p, weights=w, minlength=p).max() / w.sum() for p in METRIC_PERIODS)
    else:
        metric = 0.0
    quarters = float(np.count_nonzero(step_counts)) / BEAT
    events = [transitions, beats.size, sounding / BEAT, np.count_nonzero(long_notes), max(sonorities.size - 1, 0),
              max(counts.size - 1, 0), quarters]
    return (np.array([parallels, non_chord, long_dissonance, metric, stray, at_once, thin]),
            np.array(events, dtype=np.float64))


def roll_statistics(rolls, phrase_ends=False, pooled=None):
    """(n_files, len(STATISTICS)) statistics of boolean (128, steps) rolls; with `pooled`, each shrunk towards it
    (`shrunk`)."""
    found = [counted_statistics(r, phrase_ends) for r in rolls]
    stats = np.array([f[0] for f in found]).reshape(len(rolls), len(STATISTICS))
    if pooled is None:
        return stats
    return shrunk(stats, np.array([f[1] for f in found]).reshape(stats.shape), pooled)


def file_statistics(x, groups, phrase_ends=False, pooled=None):
    """(n_files, len(STATISTICS)) statistics of the files of rolls x (`roll_statistics`)."""
    return roll_statistics(file_rolls(x, groups), phrase_ends, pooled)


def pooled_rates(rolls, phrase_ends=True):
    """Each statistic over all the rolls' events together (the reference's own rate, which `shrunk` leans on)."""
    found = [counted_statistics(r, phrase_ends) for r in rolls]
    stats, events = np.array([f[0] for f in found]), np.array([f[1] for f in found])
    return (stats * events).sum(axis=0) / np.maximum(events.sum(axis=0), 1e-12)


def shrunk(stats, events, pooled):
    """Each statistic as if PRIOR_EVENTS more of its events had come at the reference's pooled rate: a share of few
    events (a 4-bar excerpt's 13 transitions) varies more than a whole piece's, and this draws it in by how few."""
    return (stats * events + PRIOR_EVENTS * pooled) / (events + PRIOR_EVENTS)


def fit_scaling(stats):
    """(centre, spread): the reference files' median and the distance from it to their 90th percentile."""
    centre, high = np.quantile(stats, [0.5, 0.9], axis=0)
    return centre, np.maximum(high - centre, MIN_SPREAD)


def excesses(stats, centre, spread):
    """One-sided scaled excesses of the statistics the scaling holds (a profile made before a statistic was added
    holds the first OLDER_STATISTICS, five or six)."""
    return np.maximum((stats[:, :len(centre)] - centre) / spread, 0.0)


def combined(stats, centre, spread):
    """Sum of the squared excesses, each capped at CAP in a profile holding CAPPED_FROM statistics or more (one
    fitted so)."""
    found = excesses(stats, centre, spread)
    if len(centre) >= CAPPED_FROM:
        found = np.minimum(found, CAP)
    return (found ** 2).sum(axis=1)


class VoiceLeading(Detector):
    name = "voice-leading"
    modalities = ("music",)
    calibration = CROSS_FITTED
    arrays = ("voice_leading_centre", "voice_leading_spread", "cal_voice_leading",
              "voice_leading_quarter_centre", "voice_leading_quarter_spread", "cal_voice_leading_quarter",
              "voice_leading_excerpts", "voice_leading_phrase_ends", "voice_leading_choir",
              "voice_leading_pooled", "voice_leading_quarter_pooled")
    # the reference sampled at its quarter beats (quarter_grid.py); the flags: verbatim excerpts stand aside,
    # parallels are not counted across a phrase's end, a file's choir parts are read apart too; the reference's
    # pooled rates, towards which every file's statistics are shrunk by their events (module docstring)
    added_later = arrays[3:]
    FLAGS = slice(6, 9)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        """Scaling fitted on every reference file, calibration cross-fitted; the same on the files sampled at their
        quarter beats."""
        rolls = file_rolls(ref.x, groups)
        out = {}
        for names, pooled_name, read in zip((cls.arrays[:3], cls.arrays[3:6]), cls.arrays[9:],
                                            (rolls, [sampled(r) for r in rolls])):
            pooled = pooled_rates(read)
            stats = roll_statistics(read, True, pooled)

            def fold_scores(train, held, stats=stats):
                train_files, held_files = np.unique(groups[train]), np.unique(groups[held])
                return combined(stats[held_files], *fit_scaling(stats[train_files]))

            out.update(zip(names, (*fit_scaling(stats), cross_fitted(groups, n_groups, fold_scores))))
            out[pooled_name] = pooled
        return {**out, **{flag: np.array(True) for flag in cls.arrays[cls.FLAGS]}}

    @classmethod
    def on_quarter_grid(cls, profile):
        """The detector judging files on the quarter grid against the reference sampled so, or None (a profile made
        before)."""
        if cls.arrays[3] not in profile:
            return None
        quarter = dict(zip(cls.arrays[:3], (profile[k] for k in cls.arrays[3:6])))
        if cls.arrays[10] in profile:
            quarter[cls.arrays[9]] = profile[cls.arrays[10]]
        return cls({**profile, **quarter, "sampled": True})

    def __init__(self, profile):
        self.centre, self.spread = profile["voice_leading_centre"], profile["voice_leading_spread"]
        self.tail = calibration.tail_model(profile["cal_voice_leading"])
        self.sampled = bool(profile.get("sampled"))
        self.phrase_ends = self.arrays[7] in profile  # a profile made before counts parallels across them
        self.choir_read = self.arrays[8] in profile  # a profile made before reads all parts alone
        self.pooled = profile.get(self.arrays[9])  # a profile made before reads the shares unshrunk (None)
        # copying's index of the reference and replay's views of it, where verbatim excerpts stand aside as replay
        # reads them (a profile made before: None)
        self.index = (tuple(profile[k] for k in ("copying_hashes", "copying_sources", "copying_starts", "replay_views")
                            if k in profile)
                      if self.arrays[6] in profile and "copying_hashes" in profile else None)
        self.names = [str(n) for n in profile.get("copying_names", ())]
        held = len(self.centre)
        self.shares = held  # one per statistic its score sums, as many as the profile holds (calibration.share_weights)
        stray = (", sonorities sounding another number of pitches than the one before and no chord" if held > 4 else "")
        at_once = ", sonorities whose number of pitches changes by three or more at once" if held > 5 else ""
        thin = f", time sounding fewer than four pitches; each excess capped at {CAP:g}" if held >= CAPPED_FROM else ""
        sampled = (", against the reference sampled at its quarter beats (the file's notes all start and end on "
                   "them)") if self.sampled else ""
        self.method = ("sum of the squared excesses over the reference files' medians (in units of their median-to-90th-"
                       f"percentile distance) of {('four', 'five', 'six', 'seven')[held - 4]} part-writing statistics: parallel fifths and "
                       "octaves, quarter beats whose notes form no triad or seventh chord, dissonant sonorities held a "
                       f"quarter note or more, long notes off one position in the bar{stray}{at_once}{thin} (a model "
                       "writing voices or pitches on their own, or harmonising with block chords, breaks them); "
                       f"calibration cross-fitted{sampled}")

    def excerpt_of(self, roll):
        """The reference piece the roll is a verbatim excerpt of, or -1 (also where the profile was made before)."""
        return -1 if self.index is None else excerpt_piece(roll, self.index)

    def informative(self, samples):
        """Not for a verbatim excerpt of a reference piece (module docstring)."""
        return self.excerpt_of(file_roll(samples.x, np.zeros(samples.x.shape[0], dtype=np.int64), 0)) < 0

    def choir_roll(self, batch, g):
        """File g's choir parts alone as a roll, or None (no choir read apart, or a profile made before)."""
        choir = batch.choir[g] if self.choir_read else None
        return None if choir is None else file_roll(choir.x, np.zeros(choir.x.shape[0], dtype=np.int64), 0)

    def roll_score(self, roll):
        return float(combined(roll_statistics([roll], self.phrase_ends, self.pooled), self.centre, self.spread)[0])

    def scores(self, batch):
        found = combined(file_statistics(batch.x, batch.groups, self.phrase_ends, self.pooled), self.centre,
                         self.spread)
        for g in range(batch.n_files):
            choir = self.choir_roll(batch, g)
            if choir is not None:
                found[g] = min(found[g], self.roll_score(choir))
        return found

    def reason(self, batch, g, score, p):
        written = file_roll(batch.x, batch.groups, g)
        choir = self.choir_roll(batch, g)
        by_choir = choir is not None and self.roll_score(choir) < self.roll_score(written)
        roll = choir if by_choir else written
        stats, events = counted_statistics(roll, self.phrase_ends)
        scored = stats if self.pooled is None else shrunk(stats, events, self.pooled)
        worst = int(np.argmax(excesses(scored[None], self.centre, self.spread)[0]))
        (parallels, non_chord, dissonance, metric, stray, at_once, thin) = stats
        m_par, m_chord, m_diss, m_metric = self.centre[:4]
        counted = ""
        if len(self.centre) > OLDER_STATISTICS:
            counted = (f", {stray:.0%} of its chords sound another number of pitches than the one before and no triad "
                       f"or seventh chord (median {self.centre[4]:.0%})")
        if len(self.centre) > 5:
            counted += (f", {at_once:.0%} change their number of pitches by three or more at once "
                        f"(median {self.centre[5]:.0%})")
        if len(self.centre) > 6:
            counted += f", {thin:.0%} of its sounding time has fewer than four pitches (median {self.centre[6]:.0%})"
        reference = "the reference sampled at its quarter beats" if self.sampled else "the reference"
        across = " (none counted out of a chord held a half note or more: a phrase's end)" if self.phrase_ends else ""
        if self.pooled is not None:
            across += (f" over {events[0]:.0f} transitions (each share read as if {PRIOR_EVENTS} more of its events "
                       "came at the reference's own rate: a short file's shares vary more)")
        excerpt = self.excerpt_of(written)
        aside = (f"stands aside: the file is a verbatim excerpt of reference piece {self.names[excerpt]}, whose notes "
                 f"the reference holds; " if excerpt >= 0 else "")
        if choir is not None:
            aside += (f"read on all its parts and on its choir's alone (its other parts: "
                      f"{', '.join(batch.choir[g].others)}), the lower score applying: "
                      f"{'its choir' if by_choir else 'all its parts'}; ")
        return (f"voice-leading: {aside}furthest from {reference} in {STATISTICS[worst]}: {parallels:.2f} parallel "
                f"fifths or octaves per transition between four-note chords{across} (reference files: median "
                f"{m_par:.2f}), {non_chord:.0%} of its quarter beats sound no triad or seventh chord (median "
                f"{m_chord:.0%}), {dissonance:.0%} of its "
                f"time is dissonance held a quarter note or more (median {m_diss:.0%}), {metric:.0%} of its long notes' "
                f"length starts off their commonest place in the bar (median {m_metric:.0%}){counted}; score {score:.1f} "
                f"(reference calibration files: median {median(self.tail):.1f}); tail probability {p:.2g}")

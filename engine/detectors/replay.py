"""Replay: whether a piece replays part of one reference piece and stops where that piece goes on.

A Markov chain of order 3 or 4 over chord events, trained on the reference, has so few branching
contexts that it mostly replays one training chorale from its start, verbatim, until the file's length
is reached, now and then jumping into another piece for a few bars: nothing or little outside that
piece, so neither copying nor familiarity has enough to go on (engine/detectors/copying.py,
familiarity.py). A real chorale shares long stretches with a reference piece only when the collection
holds the same harmonisation twice, and then it holds (nearly) all of that piece, not a part; and what
it has beyond that piece is mostly its own. The statistic weighs what the closest piece has that the
file lacks against what the file has that no reference piece has.

Copying's n-grams (six chord events, or seven chords on the quarter beats; pitch sets up to
transposition, lengths in sixteenth-note steps) and its closest piece P (the alignment the file shares
most with, `copying.placed`) give, per view,
- new: the file's n-grams found in no reference piece (a chain's are the few that span its jumps);
- missing: P's n-grams that the file does not hold, at most as many as the file has (a long P next to
  a short, unrelated file would otherwise weigh its length, not the file);
and the score is log((missing + 1/2) / (new + 1/2)), the larger of the two views'. A chain's replay of
the first 8 bars of a 12-bar chorale: new 0, missing about 20, score 3.7; a duplicate harmonisation:
both near 0, score near 0; an unrelated chorale: both about the file's length, score near or below 0
(reference files, each against the others: median -0.74, largest 0.72; 2026-12-02, fifteenth pass). Counting as "new" every n-gram outside
P and its duplicates instead (found elsewhere or not) let through the chains that jump once or twice:
an order-3 16-bar chain alone past a Bonferroni share's threshold 23 % against 80 %, the reference's
calibration unchanged. A file that replays a whole reference piece, P being no longer than the file,
is that piece and says nothing here.

A gap inside P, between n-grams the file holds, costs n - 1 missing n-grams however little is missing,
and one more where the join splits or merges a chord event: a chorale written with its repeat not written
out (most chorales' bar form A A B is written out in the reference) lacks only the n-grams that span P's
join of the two A's (JSB chorales' edition of pieces the reference holds: missing 5 and 6 in the two views,
new 0, score 2.56 against the reference's largest 0.72; twenty-seventh pass). So each run of consecutive
missing n-grams inside P counts n fewer; a run at P's start or end (a replay that stops, an excerpt)
counts whole. Profiles made before this hold no
`replay_views` and keep the plain count.

A verbatim excerpt of a reference piece stands aside (`informative`, weight 0): a file whose n-grams found in the
reference all lie in its closest piece P (and P's duplicates), in every view, and at least as many of them as it has
that no piece holds. Cut from P by a user, it is real music; replayed by a chain that never jumped, it is the same
notes, and nothing in the file tells the two apart. Before this, a real chorale's first 4 or 8 bars, cut at its bar
lines, were labelled generated 52-54 of 60 times in a `builtin:bach` case (whose reference holds every chorale the
collection has); a chain that jumps into another piece still holds n-grams off P and is judged (docs/studies.md,
"Chorale excerpts: replay stands aside for a verbatim excerpt", thirty-fourth pass).

The reference's rolls end at each piece's last whole 4-bar patch, so a user's excerpt of P's closing bars runs on past
what the index holds of P, and a cadence there may be one other pieces hold: fewer than JUMP_MIN n-grams found off P
that P's best alignment places past its stored bars are not counted against a verbatim excerpt (`off_piece`; the
reference's own last 8 bars: 12 of 283 had been judged for 1-3 such n-grams, 5 labelled generated). A replay that runs
on past P's end into another piece holds JUMP_MIN or more there (8-21 in the fifty-second pass's chains) and is judged
(docs/studies.md, "The reference's closing bars and held-out excerpts", fifty-second pass).

A file that jumps inside P is no excerpt, though every n-gram it has lies in P: a chain of order 3 or 4 at the end of
a section that P writes out twice (bar form A A B) may go on with the section again, since P holds that context before
the repeat, and writes A A A; or it leaves P's stretch at a context P holds elsewhere and goes on from there. Then at
least JUMP_MIN of its n-grams lie in P only off the shift in time at which P holds most of them, where that shift
places them inside P's stored bars (`off_alignment`; past them, where P's roll was cut, a real file's reprise of an
earlier section is found only at that section: a JSB train chorale against bwv92.9, an end excerpt of bwv248.23-2),
and the join leaves at most JOIN_NEW n-grams that no piece holds (N - 4: none where the shared stretch is as long as
an n-gram). A user's excerpt is one stretch of P: at most one n-gram off its alignment (a coincidence) in the
fifty-second pass's real sets. Another edition that repeats a section P does not, or skips one, joins where P does
not: its n-grams across the join are new (three JSB train chorales against bwv253, bwv304, bwv356: 8-14 new), and it
still stands aside. Such a file is judged (docs/studies.md, "Order-3 and -4 chord chains over the reference's
chorales: one piece replayed, or a loop inside it", fifty-second pass).

Calibration is cross-fitted with one fold per file, as familiarity's: each reference file against
every other, so that the collection's duplicate pairs are judged as a held-out duplicate would be.
"""
import numpy as np

from engine.detectors import calibration, copying
from engine.detectors.detector import CROSS_FITTED, Detector, median
from engine.detectors.familiarity import without

VIEWS = copying.VIEWS
HALF = 0.5  # added to both counts: a file with nothing new is judged by how much P has beyond it
JUMP_MIN = 5  # n-grams placed in P off its best alignment: a jump, not a coincidence (module docstring)
JOIN_NEW = 2  # new n-grams a chain's join at a shared context of 3 or more chords leaves (N - 4)


def piece_lengths(grams, n_views=len(VIEWS)):
    """(pieces, views) number of n-grams of each reference piece in each view (`grams`: all_grams per piece)."""
    return np.array([[hashes.size for hashes, _ in views] for views in grams], dtype=np.int64).reshape(-1, n_views)


def gram_length(view):
    """n of the n-grams of view number `view` (chord_grams.gram_hashes)."""
    return copying.N if VIEWS[view] == 0 else copying.BEAT_N


def missing_beyond_gaps(held, n):
    """Of a piece's n-grams in order (`held`: whether the file has each), the number the file lacks, each run of
    missing ones inside the piece counted n fewer (module docstring)."""
    lacking = np.flatnonzero(~np.asarray(held, dtype=bool))
    if lacking.size == 0:
        return 0
    runs = np.split(lacking, np.flatnonzero(np.diff(lacking) > 1) + 1)
    inside = [run.size - n if run[0] > 0 and run[-1] < len(held) - 1 else run.size for run in runs]
    return int(sum(max(k, 0) for k in inside))


def counts(view_grams, index, lengths):
    """Per view (missing, new, closest piece or -1) of a file's n-grams (`view_grams`: copying.all_grams); `index`:
    copying's, with each n-gram's view as a fourth array where the profile holds it (the gap rule)."""
    ref_hashes, ref_sources, ref_starts, *views = index
    out = []
    for v, grams in enumerate(view_grams):
        hashes = grams[0]
        elsewhere, closest, top = copying.placed(grams, index[:3])
        new = int(hashes.size - np.count_nonzero(elsewhere | closest))
        if top < 0:
            out.append((0, new, top))
            continue
        if views:
            mine = np.flatnonzero((ref_sources == top) & (views[0] == v))
            in_order = mine[np.argsort(ref_starts[mine], kind="stable")]
            missing = missing_beyond_gaps(np.isin(ref_hashes[in_order], hashes), gram_length(v))
        else:
            missing = int(lengths[top, v]) - int(np.count_nonzero(np.isin(ref_hashes[ref_sources == top], hashes)))
        out.append((min(missing, hashes.size), new, top))
    return out


def off_alignment(grams, index, top, view):
    """The number of the file's n-grams of view number `view` that the reference holds only in piece `top`, and
    there only off the shift in time at which that piece holds most of the file's n-grams, where that shift places
    them inside the piece's stored n-grams: what a jump inside the piece places elsewhere in it. (Past the piece's
    last stored n-gram, the bars its roll drops, a real file's reprise of an earlier section is found only there.)"""
    best, at_best, held, only_top = copying.best_alignment(grams, index, top)
    if best is None:
        return 0
    inside = ~copying.past_stored(grams, index, top, view, best)
    return int(np.count_nonzero(held & only_top & ~at_best & inside))


def jumps_inside(grams, index, top, view, new):
    """Whether the file jumps inside piece `top` where the piece shares the context (module docstring): at least
    JUMP_MIN of its n-grams of view number `view` lie in that piece off its best alignment, and at most JOIN_NEW of
    them are new."""
    return new <= JOIN_NEW and off_alignment(grams, index, top, view) >= JUMP_MIN


def off_piece(grams, index, view, elsewhere, closest, top):
    """The number of the file's n-grams of view number `view` that the reference holds off its closest piece `top` and
    its duplicates (copying.placed's `elsewhere` and `closest`), fewer than JUMP_MIN of them placed past the piece's
    stored bars at its best alignment not counted (module docstring: a piece's closing cadence shared with others)."""
    off = elsewhere & ~closest
    if top >= 0 and np.any(off):
        best = copying.best_alignment(grams, index, top)[0]
        past = off & copying.past_stored(grams, index, top, view, best) if best is not None else np.zeros_like(off)
        if np.count_nonzero(past) < JUMP_MIN:
            off &= ~past
    return int(np.count_nonzero(off))


def verbatim_piece(view_grams, index):
    """The reference piece a file is a verbatim excerpt of (module docstring), or -1: in every view, each of its
    n-grams that the reference holds lies in the closest piece or its duplicates (copying.placed; off_piece), it does
    not jump inside that piece (jumps_inside), and in some view those are at least as many as its n-grams that no
    piece holds."""
    piece, held = -1, False
    for view, grams in enumerate(view_grams):
        elsewhere, closest, top = copying.placed(grams, index[:3])
        if off_piece(grams, index, view, elsewhere, closest, top):
            return -1
        if top >= 0 and jumps_inside(grams, index, top, view, int(np.count_nonzero(~(elsewhere | closest)))):
            return -1
        if top >= 0 and np.count_nonzero(closest) >= np.count_nonzero(~closest):
            piece, held = (top if piece < 0 else piece), True
    return piece if held else -1


def excerpt_piece(roll, index):
    """verbatim_piece of one file's boolean (128, steps) roll."""
    return verbatim_piece(copying.all_grams(roll), index)


def view_scores(found):
    return [float(np.log((missing + HALF) / (new + HALF))) for missing, new, _ in found]


def file_score(view_grams, index, lengths):
    """(score, view, missing, new, closest piece): the view in which the file replays most."""
    found = counts(view_grams, index, lengths)
    scores = view_scores(found)
    v = int(np.argmax(scores))
    return (scores[v], v, *found[v])


class Replay(Detector):
    name = "replay"
    modalities = ("music",)
    calibration = CROSS_FITTED
    # it reads copying's index of the reference (its arrays, which every music profile with these holds), and the
    # view of each of its n-grams
    arrays = ("replay_lengths", "cal_replay", "replay_views")
    added_later = ("replay_views",)  # profiles made before the gap rule: the plain count

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        """Each reference piece's n-gram counts and the views of copying's index (built alike, in its order); each
        file calibrates against all the others in that index."""
        grams = [copying.all_grams(r) for r in copying.file_rolls(ref.x, groups)]
        index = copying.index_of(grams, np.arange(n_groups), with_views=True)
        lengths = piece_lengths(grams)
        cal = [file_score(grams[f], without(index, f), lengths)[0] for f in range(n_groups)]
        return {"replay_lengths": lengths, "cal_replay": np.asarray(cal), "replay_views": index[3]}

    def __init__(self, profile):
        self.index = (profile["copying_hashes"], profile["copying_sources"], profile["copying_starts"])
        views = profile.get("replay_views")
        if views is not None:
            if len(views) != len(self.index[0]):
                raise ValueError("the profile's replay views do not match copying's index")
            self.index += (np.asarray(views),)
        self.lengths = np.asarray(profile["replay_lengths"]).reshape(-1, len(VIEWS))
        self.names = [str(n) for n in profile["copying_names"]]
        self.tail = calibration.tail_model(profile["cal_replay"])
        gaps = ", each gap inside that piece counted n fewer" if len(self.index) > 3 else ""
        self.method = (f"log of (the n-grams of its closest reference piece that the file lacks{gaps}, at most as "
                       f"many as the file has, + 1/2) over (the file's n-grams that no reference piece has + 1/2), "
                       f"n-grams of {copying.N} chord events or {copying.BEAT_N} chords on the quarter beats (pitch sets "
                       f"up to transposition), the larger view (a high-order chain replays part of one piece and "
                       f"stops; a real duplicate holds all of it); calibration cross-fitted, each reference file "
                       f"against the others")

    def informative(self, samples):
        """Not for a verbatim excerpt of a reference piece (verbatim_piece)."""
        return excerpt_piece(copying.file_roll(samples.x, np.zeros(samples.x.shape[0], dtype=np.int64), 0),
                             self.index) < 0

    def scores(self, batch):
        return np.array([file_score(copying.all_grams(r), self.index, self.lengths)[0]
                         for r in copying.file_rolls(batch.x, batch.groups)])

    def reason(self, batch, g, score, p):
        grams = copying.all_grams(copying.file_roll(batch.x, batch.groups, g))
        _, view, missing, new, top = file_score(grams, self.index, self.lengths)
        excerpt = verbatim_piece(grams, self.index)
        unit = f"sequences of {copying.N} chords" if view == 0 else f"sequences of {copying.BEAT_N} chords on the quarter beats"
        closest = self.names[top] if top >= 0 else "none"
        gaps = "; a gap inside that piece counts n fewer" if len(self.index) > 3 and top >= 0 else ""
        counted = (f"its closest reference piece, {closest}, has {missing} {unit} that the file lacks, and the file "
                   f"has {new} that no reference piece has (up to transposition{gaps})")
        if excerpt >= 0:
            return (f"replay: stands aside: the file is a verbatim excerpt of reference piece {self.names[excerpt]} "
                    f"(what the reference holds of it lies in that piece alone), and a real excerpt and a model "
                    f"replaying that piece cannot be told apart; {counted}")
        off = off_alignment(grams[view], self.index, top, view) if top >= 0 else 0
        if off >= JUMP_MIN:
            counted += (f"; {off} of its {unit} lie in that piece only at another place than the rest (it jumps "
                        f"inside it)")
        return (f"replay: {counted}: it replays part of that piece (score {score:.2f}; reference calibration files: "
                f"median {median(self.tail):.2f}, max {self.tail['sorted'][-1]:.2f}); tail probability {p:.2g}")

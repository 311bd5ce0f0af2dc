"""Specifications mined from real piano rolls and their violations (TequilaGAN, section 4.3).

Rolls are (n, channels, 128, T) intensity maps, row r = MIDI pitch r, column = time step. They
are made boolean by thresholding: a cell is active when its intensity is above 0.5.

- Chroma: pitch class p is active at step t when any pitch r with r % 12 == p is active (in any
  channel). The chroma state at t is that 12-bit vector, coded as sum(2**p) in 0..4095.
- A transition is the pair (state at t, state at t+1) within one patch, coded as
  state_t * 4096 + state_t+1; the specification is the set of transitions seen in the reference.
  A violation is one (t -> t+1) pair of a sample whose transition is not in the specification;
  the count is summed over all pairs of all samples (patch boundaries are not pairs).
- Note durations: lengths of the runs of consecutive active steps of one pitch. Runs touching the
  first or last step of a patch are cut by the patch and their true length is unknown, so they
  are left out.
"""
import numpy as np

THRESHOLD = 0.5
PITCH_CLASSES = 12
STATES = 2**PITCH_CLASSES
NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def boolean_roll(rolls):
    """(n, c, pitches, T) -> boolean (n, pitches, T): active above THRESHOLD in any channel."""
    rolls = np.asarray(rolls)
    return (rolls > THRESHOLD).any(axis=1)


def chroma(rolls):
    """(n, c, pitches, T) -> boolean (n, 12, T) chroma: OR over octaves and channels."""
    active = boolean_roll(rolls)
    n, pitches, steps = active.shape
    octaves = -(-pitches // PITCH_CLASSES)
    padded = np.zeros((n, octaves * PITCH_CLASSES, steps), bool)
    padded[:, :pitches] = active
    return padded.reshape(n, octaves, PITCH_CLASSES, steps).any(axis=1)


def chroma_states(rolls):
    """(n, c, pitches, T) -> (n, T) int64 chroma state codes in 0..4095."""
    weights = 1 << np.arange(PITCH_CLASSES, dtype=np.int64)
    return np.einsum("npt,p->nt", chroma(rolls).astype(np.int64), weights)


def transition_codes(rolls):
    """(n, c, pitches, T) -> (n, T-1) int64 codes of the transitions t -> t+1 of each sample."""
    states = chroma_states(rolls)
    return states[:, :-1] * STATES + states[:, 1:]


def transition_counts(rolls):
    """The transitions of a set of rolls: (sorted unique codes, how often each occurs)."""
    return np.unique(transition_codes(rolls), return_counts=True)


def chroma_transition_spec(rolls):
    """The specification mined from reference rolls: sorted unique transition codes."""
    return transition_counts(rolls)[0]


def violations_of(codes, counts, spec):
    """Number of transitions (given as unique codes with counts) absent from `spec`."""
    return int(np.asarray(counts)[~np.isin(codes, spec, assume_unique=True)].sum())


def violations_per_sample(rolls, spec):
    """(n,) int64: per sample, the number of its (t -> t+1) pairs whose transition is not in `spec`."""
    return np.count_nonzero(~np.isin(transition_codes(rolls), spec), axis=1).astype(np.int64)


def count_violations(rolls, spec):
    """Number of (t -> t+1) pairs in `rolls` whose chroma transition is not in `spec`."""
    return int(violations_per_sample(rolls, spec).sum())


def describe_transition(code):
    """A transition code as text, e.g. 'C E G -> D F A' ('-' for silence)."""
    def names(state):
        return " ".join(NOTE_NAMES[p] for p in range(PITCH_CLASSES) if state >> p & 1) or "-"

    return f"{names(int(code) // STATES)} -> {names(int(code) % STATES)}"


def note_durations(rolls):
    """Run lengths (in steps) of active cells per pitch, runs touching a patch edge left out."""
    active = boolean_roll(rolls)
    steps = active.shape[-1]
    # Padding with inactive steps gives every run exactly one start (+1) and one end (-1);
    # in row-major order the k-th start and the k-th end belong to the same run.
    edges = np.diff(np.pad(active, ((0, 0), (0, 0), (1, 1))).astype(np.int8), axis=-1)
    starts = np.nonzero(edges == 1)[-1]
    ends = np.nonzero(edges == -1)[-1]
    whole = (starts > 0) & (ends < steps)
    return (ends - starts)[whole].astype(np.int64)

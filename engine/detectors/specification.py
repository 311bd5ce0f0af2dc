"""Specification detectors: properties every reference sample has and a generator's
output need not have.

- `off_grid_fraction`: the share of values off the reference's intensity grid (k/255
  for 8-bit images, k/127 for MIDI velocities). A PNG is on the grid by construction;
  a float array straight from a generator is not.
- `transition_violations`: chroma transitions never seen in the reference chorales
  (TequilaGAN's boolean chroma-transition specification), per patch.
- `duration_distance`: KS distance between a file's note durations and the reference's.
"""
import numpy as np

GRID_TOLERANCE = 1e-4


def format_decides_grid(format_levels, levels):
    """Whether a file's format alone decides if the file lies on the reference's grid
    k/levels, whatever made it: every value the format can hold (k/format_levels) is on the
    grid (an 8-bit PNG for an 8-bit reference), or the grid's values cannot all be held in it
    (an 8-bit PNG for the digits' k/16: a real digit saved as PNG is off the grid too). Only a
    finer format that holds the whole grid (16-bit for k/255) leaves the content to decide.
    Formats that guarantee no grid (float arrays, audio, MIDI, whose velocities k/127 need not
    be the reference's) record none."""
    if not format_levels:
        return False
    return int(levels) % int(format_levels) == 0 or int(format_levels) % int(levels) != 0


def off_grid_fraction(x, levels):
    """Per sample, the share of values off the grid k/levels. For the one-velocity grid
    (levels 1) a sample is first divided by its loudest value: a chorale played at velocity
    90 throughout keeps the reference's single velocity, which is the trait (a uniform
    velocity change must not make a real file look generated)."""
    scaled = np.asarray(x, dtype=np.float64).reshape(x.shape[0], -1)
    if int(levels) == 1:
        peak = scaled.max(axis=1, keepdims=True)
        scaled = np.divide(scaled, peak, out=np.zeros_like(scaled), where=peak > 0)
    scaled = scaled * levels
    return (np.abs(scaled - np.rint(scaled)) > GRID_TOLERANCE * levels).mean(axis=1)


def grid_note(levels):
    """Why being on (or off) the grid matters, in words."""
    if int(levels) == 1:
        return ("every note of the reference has the same velocity (whichever it is: a uniform velocity change "
                "keeps a file on this grid); a generator's output need not")
    return ("a file format such as PNG is on the grid by construction, so for such a file the grid has weight 0; "
            "float output of a generator is off it")


def grid_name(levels):
    return {255: "8-bit grid (k/255)", 65535: "16-bit grid (k/65535)", 127: "MIDI velocity grid (k/127)",
            1: "boolean grid {0, 1}"}.get(int(levels), f"grid k/{int(levels)}")


def transition_violations(rolls, spec):
    """Per patch: the number of chroma transitions the reference never makes."""
    from engine.analysis.specifications import violations_per_sample

    return violations_per_sample(rolls, spec).astype(np.float64)


def violating_transitions(roll, spec):
    """(time steps t, transition codes) of one patch's forbidden transitions t -> t+1."""
    from engine.analysis.specifications import transition_codes

    codes = transition_codes(roll[None])[0]
    steps = np.flatnonzero(~np.isin(codes, spec))
    return steps, codes[steps]


def durations_of(rolls):
    from engine.analysis.specifications import note_durations

    return np.asarray(note_durations(rolls), dtype=np.float64).ravel()


def duration_distance(rolls, groups, reference_durations):
    """Per group (file): KS statistic of its note durations against the reference's."""
    from engine.analysis.stats import ks_2samp

    out = np.zeros(int(groups.max()) + 1 if groups.size else 0)
    for g in range(out.size):
        d = durations_of(rolls[groups == g])
        out[g] = ks_2samp(d, reference_durations)[0] if d.size else 1.0
    return out

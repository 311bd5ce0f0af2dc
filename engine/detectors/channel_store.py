"""Channel calibrations kept in the case (DESIGN.md, "Storage and files").

A file that came through a channel (MP3, JPEG, a resize...) is judged by detectors recalibrated on the case's
reference passed through the same channel (engine/detectors/channels.py). For speech that takes minutes (600 FSDD
recordings through MP3), which every later batch with the same channel paid again. So each channel's calibration
is kept: one .npz under channels/, written atomically and recorded as an artefact (ROLE) with its SHA-256, so that
`case verify` and every verdict re-hash it as they do the reference profile; storing it is audited.

What is kept is the calibration's arrays (channels.channel_calibration: the profile arrays refitted on the channelled
reference, the learned detectors' calibration scores, the image logistic regression), not detector objects: they
load with allow_pickle=False, and the current code rebuilds the detectors from them in milliseconds
(channels.channel_set), so stand-aside rules and reasons always follow the code while the costly arrays are reused.

A calibration is named by the SHA-256 of all it derives from (ChannelStore.path): the channel key (JPEG tables
included) and gain control, the case's artefacts (reference profile, runs' checkpoints and calibrations: a new
registration or an upgraded profile gets new calibrations), the detectors and generator runs in use, the versions
of the tool and of the libraries the reference passes through, and VERSION. Calibrations made for an earlier state
stay recorded (and verified) but are no longer read.
"""
import hashlib
import json
import logging
import os
import sqlite3
from importlib import metadata

import numpy as np

from engine import case as case_store
from engine.case_verify import SELF_TEST_ROLE
from engine.npz import load_arrays, save_arrays

# Bump whenever what a channel's calibration computes changes (channels.channelled_reference or
# channel_calibration, a detector's `calibrate`, a constant they read), so that no case reuses arrays older code made.
VERSION = 29  # 4: noise-floor reads dithered silence and runs a resampler rings into (thirtieth pass); 5: a fade's
# rounded tail into zeros is padding (engine/data/padding.py fade_tail, thirty-first pass); 6: a fade-out's course into
# zeros is padding (padding.fades_out) and noise-floor reads a floor up to four 16-bit steps at four (thirty-second);
# 7: a transform codec's residue below half a 16-bit step is read as zeros (formats/audio.residue_as_silence); 8: and
# its smear of silent ends (engine/data/codec_edges.py, thirty-fourth pass); 9: runs a float resampler's residue
# enters are read as a resampler's (engine/data/padding.py residue_into, thirty-fifth pass); 10: a floor through G.711
# is read at the codec's first decision level (engine/data/companding.py, thirty-sixth pass); 11: synthetic-voice's
# model retrained with many more real speakers, its calibrations recording the model (thirty-sixth pass); 12:
# noise-floor's sub-step bound follows the rate the channel's files are written at (thirty-seventh pass); 13:
# lpc-lattice's 8 kHz reading searches no window its least-squares fit predicts within rounding (thirty-ninth pass); 14:
# noise-floor sets aside a coarse recorder's clicks and the zero runs next to them (engine/detectors/recorder_clicks.py,
# thirty-ninth pass); 15: low-rumble's high-pass takes the digital Butterworth's gain, as scipy's filtfilt applies it
# (engine/analysis/zero_phase.py; before, the analog prototype's); 16: the calibration records how many versions
# (recorders, codec twins) each reference recording passed as, which the tails count as one file
# (calibration.versions_tail_model, fortieth pass); 17: the cycle tracker leaves a pure tone's cycles out
# (cycles.pure_tone, fortieth pass); 18: noise-floor reads a click at a quarter 8-bit step or ringing through a filter
# (recorder_clicks), lpc-lattice counts no window whose coefficients lie on a scaled 8-bit grid (forty-first pass); 19:
# image channels recalibrate `shoulder` (engine/detectors/shoulder.py, forty-second pass); 20: a resampled zero run's
# residue below half a 24-bit step is written as zeros (representations.residue_as_zeros, forty-second pass); 21: an
# upsampled file one of whose phases keeps an 8-bit source is read on that phase (representations.source_phase); 22:
# lossless image channels (a resize, EMNIST's framing) recalibrate `clean-up` (engine/detectors/clean_up.py, forty-third)
# 23: synthetic-voice's calibration holds its voiced reading's too (synthetic_voice.VOICED_KEY, forty-sixth pass), and
# an image channel's box-size's (engine/detectors/box_size.py); 24: synthetic-voice's calibration holds the short words'
# voiced reading's too (synthetic_voice.SHORT_VOICED_KEY, forty-seventh pass); 25: image channels recalibrate
# `shoulder-placement` (engine/detectors/shoulder_placement.py, forty-ninth pass); 26: and `edge-shoulder`
# (engine/detectors/edge_shoulder.py, fiftieth pass); 27: and `weak-traits` (engine/detectors/weak_traits.py,
# fifty-third pass); 28: the kept reference recordings are read with a recorder's DC offset removed
# (engine/data/dc_offset.py), noise-floor sets a converter held at its limit aside (clipping.held) and repeated-cycle a
# clipped stretch (clipping.on_rails) (fifty-fifth pass; calibrations made before could be reused after it)
# 29: noise-floor reads MIN_SILENT_FRAMES kept frames of digital silence as the floor (noise_floor.silent_frames,
# fifty-eighth pass)
ROLE = "channel calibration"
FOLDER = "channels"
LIBRARIES = ("numpy", "scipy", "pillow", "soundfile", "av", "soxr")  # the numerics and codecs a reference passes

log = logging.getLogger(__name__)


def library_versions():
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def _plain(value):
    """JSON for the numpy numbers a channel key may hold (a key is otherwise tuples, strings, numbers, None)."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"a channel key holds {type(value).__name__}")


class ChannelStore:
    """The case's stored channel calibrations, as one batch's detectors ask for them. `used(line)` is told, for
    each calibration asked for, whether it was reused or computed and where it lies (for the verdict JSON)."""

    def __init__(self, case, detectors, gan_runs, used=lambda line: None):
        self.case, self.used = case, used
        self.basis = {"version": VERSION, "tool": case_store.tool_version(), "libraries": library_versions(),
                      "artefacts": sorted(row["sha256"] for row in case.artefacts()
                                          if row["role"] not in (ROLE, SELF_TEST_ROLE)),
                      "detectors": [d.name for d in detectors], "generator_runs": [run["id"] for run in gan_runs]}

    def path(self, key, agc):
        """Where channel `key`'s calibration lies, relative to the case folder."""
        text = json.dumps({**self.basis, "channel": key, "agc": bool(agc)}, sort_keys=True, default=_plain)
        return f"{FOLDER}/{hashlib.sha256(text.encode()).hexdigest()}.npz"

    def calibration(self, key, agc, compute):
        """The calibration arrays of channel `key`: the stored ones after checking their SHA-256 (IntegrityFailure
        when they changed), else compute() (None: nothing to calibrate on), which are then stored."""
        path = self.path(key, agc)
        recorded = self.case.recorded_sha256(path)
        if recorded is not None:
            case_store.require_artefact(self.case, path, recorded, ROLE)
            self.used(f"reused {path}")
            return load_arrays(self.case.path(path))
        data = compute()
        if data is not None:
            self.used(self._store(path, key, agc, data))
        return data

    def _store(self, path, key, agc, data):
        """Writes and records a computed calibration; a line saying so. Two batches computing the same channel
        at once: the first to record it wins, the other keeps its own arrays for itself (the replace happens
        under the database's write lock, so the recorded hash is always that of the file in place). A case that
        cannot be written to still judges: the calibration is used, not stored."""
        from engine.detectors.channel_words import describe

        full = self.case.path(path)
        staging = f"{full}.new{os.getpid()}"
        about = {"channel": describe(key), "agc": bool(agc), **self.basis}
        try:
            save_arrays(staging, {**data, "about": np.array(json.dumps(about, default=_plain))})
            with self.case.transaction("channel_calibration_stored", {"path": path, **about}):
                if self.case.recorded_sha256(path) is not None:
                    self.case.note(stored_meanwhile=True)
                    return f"computed; another batch stored it meanwhile as {path}"
                os.replace(staging, full)
                case_store.record_artefact(self.case, path, ROLE)
            return f"computed and stored as {path}"
        except (OSError, sqlite3.OperationalError) as err:
            log.warning("channel calibration for %s not stored in the case (%s); computed for this batch only",
                        describe(key), err)
            return f"computed, not stored ({err})"
        finally:
            if os.path.exists(staging):
                os.remove(staging)

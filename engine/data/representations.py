"""Speech and music as 2-D intensity maps in [0,1] (DESIGN.md, "One idea that unifies the modalities").

Speech: every recording is mixed to mono and resampled to 8000 Hz (FSDD's native rate,
so that every speech map means the same frequencies and durations), its padding (constant
runs an editor or a dataset script put at its ends, engine/data/padding.py) is set aside,
so that a padded recording reads as the recording itself, then a mel power
spectrogram is taken exactly as librosa's defaults would (periodic Hann window,
centred frames with zero padding, Slaney mel scale and area normalisation, fmin 0,
fmax 4000 Hz) with 64 bands, n_fft 1024 and hop 160 (20 ms). It is compressed as
log(1 + 1000 M) and divided by the FIXED constant MEL_SCALE (not per set, so sets stay
comparable); values above 1 are clipped (loaders record how many). Row 0 is the lowest band.
The STFT and filterbank are computed here with numpy (importing librosa costs ~1.8 s;
tests check the result equals librosa.feature.melspectrogram).

Music: a piano roll of 128 pitches (row = MIDI pitch) at a sixteenth-note step, i.e. a
quarter note (read from the file's tempo map) is 4 steps, whatever the tempo. Note
boundaries are rounded to the nearest step, every note lasts at least one step,
intensity is velocity/127 (the louder note wins where notes overlap), drum tracks are
left out.

Both are cut into non-overlapping patches of a fixed width: a map shorter than one
patch is zero-padded to one patch (zero is silence), the remainder of longer maps is dropped:
a piano roll's at its end (its patches start on the first bar), a speech map's wherever the
whole patches then hold the most sound (`patch_offset`: a one-second clip's word may lie in
its last 0.64 s).
"""
from functools import lru_cache

import numpy as np

from engine.data import padding

SPEECH_RATE = padding.SPEECH_RATE  # 8000 Hz
FLOAT_RESIDUE = 2.0 ** -24  # half a 24-bit step: a resampled zero run's residue lies below it (residue_as_zeros)
EIGHT_BIT_STEPS = 128  # an 8-bit sample's steps per unit of full scale (source_phase)
# Content above this (a channel's `bandwidth_hz`, read at the file's own rate) marks a recording made at a wide-band
# rate; a file at a higher rate without it was upsampled from 8 kHz (engine/detectors/lpc_lattice.py reads it there). A resampler's transition band reaches past 4 kHz
# (ffmpeg's default: FSDD takes read up to 4.6 kHz); native wide-band speech reads from 5.1 kHz (flite awb at 16 kHz)
# to the Nyquist frequency.
WIDE_BAND_CONTENT_HZ = 4800
# flite's `kal16` writes its fixed-point synthesis at this rate, which only the exact samples show
# (engine/detectors/lpc_lattice.py)
WIDEBAND_RATE = 16000
N_FFT = 1024
HOP = 160
N_MELS = 64
COMPRESSION = 1000.0
# log(1 + 1000 M) of the loudest mel bin in all 2,000 FSDD recordings is 13.12 (99.99th
# percentile 11.76); 14 leaves headroom for louder evidence, which is clipped and counted.
MEL_SCALE = 14.0
PATCH_FRAMES = 32  # 0.64 s at hop 160 and 8000 Hz: one spoken digit

PITCHES = 128
STEPS_PER_QUARTER = 4
PATCH_STEPS = 64  # four 4/4 bars

SPEECH_META = {
    "representation": "mel spectrogram", "sample_rate": SPEECH_RATE, "n_fft": N_FFT, "hop_length": HOP,
    "n_mels": N_MELS, "window": "hann", "mel_scale": "slaney", "compression": "log(1 + 1000*M)",
    "scale": MEL_SCALE, "patch_frames": PATCH_FRAMES,
}
MUSIC_META = {
    "representation": "piano roll", "pitches": PITCHES, "steps_per_quarter": STEPS_PER_QUARTER,
    "patch_steps": PATCH_STEPS, "intensity": "velocity/127", "drums": "excluded",
}


def split_patches(full_map, width):
    """(rows, columns) -> (n, 1, rows, width): non-overlapping, short maps zero-padded to one patch."""
    rows, columns = full_map.shape
    if columns < width:
        full_map = np.pad(full_map, ((0, 0), (0, width - columns)))
        columns = width
    n = columns // width
    return np.ascontiguousarray(full_map[:, : n * width].reshape(rows, n, width).transpose(1, 0, 2)[:, None])


# --- speech -------------------------------------------------------------------------


def hz_to_mel(hz):
    """Slaney's mel scale (librosa's default): linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz / (200.0 / 3)
    return np.where(hz >= 1000, 15.0 + np.log(np.maximum(hz, 1e-10) / 1000) / (np.log(6.4) / 27), linear)


def mel_to_hz(mel):
    mel = np.asarray(mel, dtype=np.float64)
    return np.where(mel >= 15.0, 1000 * np.exp((np.log(6.4) / 27) * (mel - 15.0)), mel * (200.0 / 3))


@lru_cache(maxsize=1)
def mel_filterbank():
    """(N_MELS, N_FFT // 2 + 1) triangular filters with Slaney area normalisation."""
    fft_hz = np.fft.rfftfreq(N_FFT, d=1.0 / SPEECH_RATE)
    edges = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SPEECH_RATE / 2), N_MELS + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_hz[None, :]
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0, np.minimum(rising, falling))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)


def mel_power(audio):
    """Mel power spectrogram (N_MELS, frames) of mono audio at SPEECH_RATE."""
    audio = np.asarray(audio, dtype=np.float32)
    padded = np.pad(audio, N_FFT // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)
    spectrum = np.fft.rfft(frames * window, axis=1)
    power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    # A contiguous (bins, frames) operand: BLAS is ~20x slower on the transposed view.
    return mel_filterbank() @ np.ascontiguousarray(power.T)


def to_speech_rate(audio, sr):
    """Mono audio at rate sr -> at SPEECH_RATE, its padding (engine/data/padding.py) found at its own rate and
    written as exact zeros: resampled with the recording, the zeros would carry the resampler's faint ringing,
    which reads as a synthesiser's decay into its silence (noise-floor) and keeps the padding in the map and the
    noise key. The resampler's residue inside the recording's zero runs is written as zeros too (`residue_as_zeros`),
    and a file upsampled from an 8-bit source whose samples one phase keeps is read on that phase (`source_phase`)."""
    audio = np.asarray(audio, dtype=np.float32)
    if sr == SPEECH_RATE:
        return audio
    kept = source_phase(audio, sr)
    if kept is not None:
        return kept
    import soxr

    start, stop = padding.speech_bounds(audio, sr)
    if (start, stop) == (0, audio.size):
        return residue_as_zeros(soxr.resample(audio, sr, SPEECH_RATE), audio, sr)
    inner = residue_as_zeros(soxr.resample(audio[start:stop], sr, SPEECH_RATE), audio[start:stop], sr)
    lead = int(round(start * SPEECH_RATE / sr))
    trail = max(0, int(round(audio.size * SPEECH_RATE / sr)) - lead - inner.size)
    return np.concatenate([np.zeros(lead, np.float32), inner, np.zeros(trail, np.float32)])


def source_phase(audio, sr):
    """The samples of an 8-bit source that `audio` (at sr, a whole multiple of SPEECH_RATE) was upsampled from, where
    one phase of every (sr / SPEECH_RATE)-th sample lies on the 8-bit grid and another does not; else None. An
    interpolating resampler (FFmpeg's, by 2) keeps its source's samples at one phase and writes the filter's values
    between them: read there, an 8-bit recorder's lone steps and exact zeros are its own again, which a resampler
    back to SPEECH_RATE would smear into what a synthesiser's silence looks like (docs/studies.md, "An 8-bit take
    upsampled, read on its source's phase", forty-second pass)."""
    factor = sr // SPEECH_RATE
    if factor < 2 or factor * SPEECH_RATE != sr or audio.size < 2 * factor * SPEECH_RATE // 100:
        return None
    on_grid = []
    for phase in range(factor):  # a 16-bit sample times EIGHT_BIT_STEPS is exact in float32: whole on the 8-bit grid
        steps = audio[phase::factor] * np.float32(EIGHT_BIT_STEPS)
        on_grid.append(bool(np.array_equal(steps, np.round(steps))))
    if any(on_grid) and not all(on_grid):
        return np.ascontiguousarray(audio[on_grid.index(True)::factor])
    return None


def residue_as_zeros(resampled, source, sr):
    """`resampled` (float32 at SPEECH_RATE) with the values below FLOAT_RESIDUE that fall where `source` (at sr) is
    exactly 0 between its first and last other sample written as 0: soxr's long filter leaves 1e-10..1e-7 in a zero
    run inside a recording (an 8-bit recorder's pauses), which noise-floor would read as a synthesiser's near-silence,
    not as the zeros they were. Runs at the ends keep it: there it marks a silence the reading at the file's own rate
    kept (padding.unpadded, `judged_as_written`)."""
    at = np.minimum(np.rint(np.arange(resampled.size) * (sr / SPEECH_RATE)).astype(np.int64), source.size - 1)
    sounding = np.flatnonzero(source)
    if sounding.size == 0:
        return np.asarray(resampled, dtype=np.float32)
    inside = (at > sounding[0]) & (at < sounding[-1])
    residue = inside & (source[at] == 0) & (np.abs(resampled) < FLOAT_RESIDUE)
    return np.where(residue, np.float32(0), resampled).astype(np.float32)


def mel_map(audio, sr):
    """Compressed mel map (N_MELS, frames) divided by MEL_SCALE, not yet clipped to [0,1], of the
    recording without its padding (engine/data/padding.py)."""
    speech = padding.speech_span(to_speech_rate(audio, sr))
    return (np.log1p(COMPRESSION * mel_power(speech)) / MEL_SCALE).astype(np.float32)


def _dropped_frames(frames):
    return frames % PATCH_FRAMES if frames > PATCH_FRAMES else 0


def _frame_power(full_map):
    return mel_power_of(np.minimum(full_map, 1.0)).sum(axis=0)  # as the patches hold it: clipped at 1


def patch_offset(full_map):
    """Frames of a speech map (N_MELS, frames) before its first whole patch: of the offsets that keep as many whole
    patches, the first whose patches hold the most mel power. A clip trimmed around its word (Speech Commands' one
    second) may hold the word in its last 0.64 s, and a patch cut from its start would hold only the background
    before it, which the level normalisation brings up to a word's loudness, where `features` reads it as a
    generator's output (docs/studies.md, "Speech Commands: the word beyond the patch", thirty-second pass); a
    recording whose rest is quieter keeps its start. The placed patches hold more than half of the map's mel power
    (at least their share of its frames, 32 of 63 or more)."""
    dropped = _dropped_frames(full_map.shape[1])
    return _best_offset(_frame_power(full_map), dropped) if dropped else 0


def _best_offset(power, dropped):
    held = power.size - dropped
    total = np.concatenate([[0.0], np.cumsum(power)])
    placed = total[held: held + dropped + 1] - total[: dropped + 1]
    return int(np.flatnonzero(placed >= placed.max() * (1 - 1e-9))[0])  # equal up to rounding: the first


def patch_coverage(full_map):
    """How much of a speech map (N_MELS, frames) its whole patches cover (speech_patches drops the rest of a map
    longer than a patch): seconds of the map, of a patch, dropped and before the first patch, and, where some is
    dropped, the share of the map's mel power that its patches hold (`mel_share_judged`), stated in the verdict
    (engine/data/channels.py)."""
    frames = full_map.shape[1]
    seconds = lambda count: round(count * HOP / SPEECH_RATE, 2)  # noqa: E731
    dropped = _dropped_frames(frames)
    out = {"mel_seconds": seconds(frames), "mel_patch_seconds": seconds(PATCH_FRAMES),
           "mel_seconds_dropped": seconds(dropped)}
    if dropped:
        power = _frame_power(full_map)
        offset = _best_offset(power, dropped)
        out["mel_seconds_before_patches"] = seconds(offset)
        held = power[offset: offset + frames - dropped].sum()
        out["mel_share_judged"] = round(float(held / max(power.sum(), 1e-30)), 3)
    return out


def speech_patches(full_map):
    """A speech map (N_MELS, frames), not yet clipped -> (n, 1, N_MELS, PATCH_FRAMES) patches placed by
    patch_offset."""
    return split_patches(full_map[:, patch_offset(full_map):], PATCH_FRAMES)


def mel_patches(audio, sr):
    """Mono audio at rate sr -> (n, 1, 64, PATCH_FRAMES) mel patches in [0,1]."""
    return np.minimum(speech_patches(mel_map(audio, sr)), 1.0)


# --- music --------------------------------------------------------------------------


def quarters_at(midi, seconds):
    """Position in quarter notes of times in seconds, following the file's tempo changes."""
    change_times, tempi = midi.get_tempo_changes()
    if len(change_times) == 0:
        change_times, tempi = np.zeros(1), np.array([120.0])
    quarters_at_change = np.concatenate([[0.0], np.cumsum(np.diff(change_times) * tempi[:-1] / 60)])
    segment = np.clip(np.searchsorted(change_times, seconds, side="right") - 1, 0, None)
    return quarters_at_change[segment] + (seconds - change_times[segment]) * tempi[segment] / 60


def piano_roll(midi, scale=1.0):
    """(128, steps) piano roll of a pretty_midi.PrettyMIDI, intensity velocity/127; `scale`: the file's quarter
    notes read as that many quarters (engine/detectors/time_scale.py)."""
    notes = np.array(
        [(n.pitch, n.start, n.end, n.velocity) for inst in midi.instruments if not inst.is_drum for n in inst.notes],
        dtype=np.float64,
    ).reshape(-1, 4)
    if notes.shape[0] == 0:
        return np.zeros((PITCHES, 0), dtype=np.float32)
    pitch = notes[:, 0].astype(np.int64)
    start = np.rint(quarters_at(midi, notes[:, 1]) * scale * STEPS_PER_QUARTER).astype(np.int64)
    end = np.maximum(np.rint(quarters_at(midi, notes[:, 2]) * scale * STEPS_PER_QUARTER).astype(np.int64), start + 1)
    lengths = end - start
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    roll = np.zeros((PITCHES, int(end.max())), dtype=np.float32)
    np.maximum.at(roll, (np.repeat(pitch, lengths), np.repeat(start, lengths) + offsets),
                  np.repeat((notes[:, 3] / 127).astype(np.float32), lengths))
    return roll


def piano_roll_patches(midi, scale=1.0):
    """pretty_midi.PrettyMIDI -> (n, 1, 128, PATCH_STEPS) piano-roll patches in [0,1] (n = 0 without notes)."""
    roll = piano_roll(midi, scale)
    if roll.shape[1] == 0:
        return np.zeros((0, 1, PITCHES, PATCH_STEPS), dtype=np.float32)
    return split_patches(roll, PATCH_STEPS)


# --- speech level -------------------------------------------------------------------
# A recording's level (microphone distance, gain, a quieter speaker) is a nuisance: the
# same voice 10x quieter must look the same. Mel power scales exactly with the square of
# the gain, so the level is normalised on the map itself (exact for unclipped cells): each
# file's mel power is scaled so that its loud frames (LEVEL_TOP of the frames with any
# power) have mean power LEVEL_TARGET. Padding and digital silence
# stay exactly 0. A case records LEVEL_VERSION in its profile; older cases keep raw levels.
LEVEL_VERSION = 1
LEVEL_TOP = 0.25
# A quarter of the FSDD median (0.8): at a low level the log compression keeps a recording's
# noise floor near 0, so a quieter speaker's or a noisy channel's floor, raised by the
# normalisation, does not read as texture (tried 1.0, 0.25, 0.06 on one held-out speaker:
# 3, 2, 2 of 100 recordings labelled generated; 15, -, 2 with noise at 20 dB SNR).
LEVEL_TARGET = 0.06


def mel_power_of(maps):
    """Mel power M of maps made by mel_patches (inverse of log(1 + 1000 M) / MEL_SCALE)."""
    return np.expm1(np.asarray(maps, dtype=np.float64) * MEL_SCALE) / COMPRESSION


def file_levels(maps, groups):
    """(n_files,) mean mel-band power of each file's loudest LEVEL_TOP frames with any power."""
    frames = mel_power_of(maps).mean(axis=-2)  # (n, channels, frames): mean power per frame
    frames = frames.reshape(frames.shape[0], -1)
    out = np.full(int(groups.max()) + 1 if groups.size else 0, LEVEL_TARGET)
    for g in range(out.size):
        power = frames[groups == g].ravel()
        power = np.sort(power[power > 0])
        if power.size:
            out[g] = power[-max(1, int(round(LEVEL_TOP * power.size))):].mean()
    return out


def normalise_level(maps, groups):
    """Maps (n, 1, N_MELS, frames) in [0,1], their files' loud frames brought to LEVEL_TARGET."""
    gain = LEVEL_TARGET / file_levels(maps, groups)[np.asarray(groups)]
    scaled = np.log1p(COMPRESSION * mel_power_of(maps) * gain[:, None, None, None]) / MEL_SCALE
    return np.minimum(scaled, 1.0).astype(np.float32)

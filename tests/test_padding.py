"""Padding set aside (engine/data/padding.py): a real recording padded with zeros reads as the
recording itself in the speech map and in the noise and level keys, at whatever rate it was padded;
a synthesiser's decay or stop into its own digital silence is kept."""
import io

import numpy as np
import pytest
import soundfile

from engine.data import representations
from engine.data.channels import NOISE_FLOOR_DB, noise_levels, speech_level_db
from engine.data.loaders import load_path
from engine.data.padding import (RING_SAMPLES, STEADY, STEP_16, fade_tail, fades_out, frame_powers, loud_power,
                                 residue_into, rings_into, speech_bounds, speech_span, unpadded)
from engine.detectors.noise_floor import floor_depth

RATE = 8000


def recording(seed=0, floor=1e-3):
    """A microphone recording at 16 bits: a room's floor (RMS `floor`: about 50 dB below the speech) throughout,
    a word-like burst in the middle."""
    rng = np.random.default_rng(seed)
    t = np.arange(5000)
    word = np.where((t > 1200) & (t < 3800), 0.3 * np.sin(2 * np.pi * 180 * t / RATE) * np.hanning(5000), 0.0)
    return np.round((word + rng.normal(0, floor, t.size)) * 32767) / 32767


def padded(audio, before=2000, total=None):
    after = (total - before - audio.size) if total else before
    return np.concatenate([np.zeros(before), audio, np.zeros(after)])


def decayed(audio):
    """A synthesiser's ending (as in tests/test_noise_floor.py): the signal fades 100 dB over its first
    and last 0.1 s, far below any room's floor, into the exact zeros around it."""
    tail = np.logspace(0, -5, 800)
    out = audio.copy()
    out[:800] *= tail[::-1]
    out[-800:] *= tail
    return out


def test_a_padded_recording_reads_as_the_recording_itself():
    audio = recording()
    maps = representations.mel_patches(audio, RATE)
    for version in (padded(audio), padded(audio, 0, RATE), padded(audio, 3000, 2 * RATE)):  # both ends; to 1 s; 2 s
        assert np.array_equal(speech_span(version), audio)
        assert np.allclose(representations.mel_patches(version, RATE), maps, atol=1e-6)
        assert np.allclose(noise_levels(version, RATE), noise_levels(audio, RATE), atol=1e-6)
        assert abs(speech_level_db(version) - speech_level_db(audio)) < 1e-6
    assert np.all(noise_levels(audio, RATE) > -70)  # the room's floor, not the padding's silence


def test_the_loader_sets_padding_aside_in_the_patches_and_the_noise_key(tmp_path):
    audio = recording(1)
    for name, version in (("as-is", audio), ("pad1s", padded(audio, 0, RATE))):
        soundfile.write(str(tmp_path / f"{name}.wav"), version, RATE, subtype="PCM_16")
    plain, pad = (load_path(str(tmp_path / f"{name}.wav")) for name in ("as-is", "pad1s"))
    assert np.allclose(pad.x, plain.x, atol=1e-6)
    assert pad.meta["channel"]["noise_db"] == plain.meta["channel"]["noise_db"]
    assert pad.meta["channel"]["level_db"] == plain.meta["channel"]["level_db"]
    assert pad.audio.size == RATE  # the waveform stays whole: noise-floor reads its padding itself


def test_a_synthesisers_decay_into_digital_silence_is_not_cropped():
    synthetic = padded(decayed(0.3 * np.sin(2 * np.pi * 150 * np.arange(5000) / RATE)))
    assert unpadded(synthetic) == (0, synthetic.size)
    assert speech_span(synthetic).size == synthetic.size
    frames = representations.mel_map(synthetic, RATE).shape[1]
    assert frames == synthetic.size // representations.HOP + 1  # the silent frames are read
    assert np.all(noise_levels(synthetic, RATE) == NOISE_FLOOR_DB)  # and the key reads them as no floor


def test_a_recordings_own_short_constant_ends_are_kept():
    audio = recording(3)
    audio[:STEADY - 1] = 0.0  # a recording's first equal samples: cropping them would only shift the frames
    assert np.array_equal(speech_span(audio), audio)
    assert np.array_equal(speech_span(np.zeros(100)), np.zeros(100))  # nothing but silence: nothing set aside



RATES = (8000, 16000, 22050, 44100)


def at_rate(audio, rate):
    """`audio` (at RATE) resampled to `rate` (soxr, as a dataset script would) and written to 16 bits."""
    import soxr

    return np.round((soxr.resample(audio, RATE, rate) if rate != RATE else audio) * 32767) / 32767


def test_the_rules_count_seconds_and_find_the_same_padding_at_every_rate():
    audio = recording(4)
    for rate in RATES:
        clip = at_rate(audio, rate)
        quarter = int(round(0.25 * rate))
        both = np.concatenate([np.zeros(quarter), clip, np.zeros(quarter)])
        start, stop = speech_bounds(both, rate)
        assert abs(start - quarter) <= 1 and abs(both.size - stop - quarter) <= 1  # the clip's own ends at most
        one_second = np.concatenate([clip, np.zeros(rate - clip.size)])
        assert speech_bounds(one_second, rate)[1] - clip.size in (-1, 0)
        # a synthesiser's decay far below a step into zeros, in floats: written at 16 bits, a decay over tens of
        # milliseconds into them is a fade-out's course, as SoX's logarithmic fade is (`fades_out`)
        synthetic = decayed(0.3 * np.sin(2 * np.pi * 150 * np.arange(5000) / RATE))
        if rate != RATE:
            import soxr

            synthetic = soxr.resample(synthetic, RATE, rate)
        assert speech_bounds(np.concatenate([synthetic, np.zeros(quarter)]), rate)[1] > clip.size


def test_a_clip_resampled_before_padding_reads_as_the_clip_itself():
    """Speech Commands' clips: resampled to 16 kHz, then zeros to 1 s. Resampled with the clip, the zeros would
    carry the resampler's ringing (1e-9 and falling), a synthesiser's decay to noise-floor; found at the clip's own
    rate, they are set aside as at 8 kHz."""
    audio = recording(5)
    for rate in RATES[1:]:
        clip = at_rate(audio, rate)
        padded_clip = np.concatenate([clip, np.zeros(rate - clip.size)])
        plain, pad = (representations.to_speech_rate(x, rate) for x in (clip, padded_clip))
        assert np.array_equal(speech_span(pad), plain)
        assert floor_depth(pad)[0] == pytest.approx(floor_depth(plain)[0], abs=1e-6)
        assert floor_depth(pad)[0] < 70
        assert np.allclose(representations.mel_patches(padded_clip, rate), representations.mel_patches(clip, rate),
                           atol=1e-6)
        assert np.allclose(noise_levels(pad, RATE), noise_levels(plain, RATE), atol=1e-6)


def test_a_synthesisers_stop_into_its_silence_is_kept_at_its_native_rate():
    """espeak-ng at 22.05 kHz: the word stops abruptly (10 dB below its loud frames) or decays, into a silence
    timed by its speech, not by an editor's round durations: the silence stays, and noise-floor reads it."""
    rate = 22050
    t = np.arange(int(0.4 * rate)) / rate
    voice = 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    for word in (voice, decayed(voice)):
        spoken = np.concatenate([np.zeros(330), np.round(word * 32767) / 32767, np.zeros(10628)])  # espeak-ng's runs
        assert unpadded(spoken, rate) == (0, spoken.size)
        # (the decay, 100 dB over 36 ms, takes 11 ms from the speech to beyond a microphone's floor: a gate's release
        # to noise-floor since the fifteenth pass, engine/detectors/gate_release.py; measured synthesisers stop in 0-9)
        assert word is not voice or floor_depth(representations.to_speech_rate(spoken, rate))[0] > 70
    # the same word padded by a script to a round length is padding
    scripted = np.concatenate([voice, np.zeros(rate - voice.size)])
    assert speech_bounds(scripted, rate) == (0, voice.size)


def test_at_the_speech_rate_padding_of_any_length_is_set_aside():
    """Real recordings arrive at 8 kHz padded to whatever length a tool chose; at 22.05 kHz the same run, timed
    like a synthesiser's silence, stays (test above)."""
    rate = RATE
    t = np.arange(int(0.4 * rate)) / rate
    word = np.round((0.3 * np.sin(2 * np.pi * 150 * t) + np.random.default_rng(3).normal(0, 1e-3, t.size)) * 32767) / 32767
    padded = np.concatenate([np.zeros(2960), word, np.zeros(2960)])  # 0.37 s at each end, no round length
    assert speech_bounds(padded, rate) == (2960, 2960 + word.size)


def test_both_ends_padded_alike_are_set_aside_at_any_rate():
    """A script padding both ends by one duration (0.37 s: no whole number of 50 ms) at 16, 22.05 or 44.1 kHz:
    the clip reads as itself (600 of 600 real takes so padded read as a synthesiser's silence before). A
    synthesiser's own silences differ in length at its two ends (espeak-ng: 12 and 301 ms), so the same padding
    added to them leaves them unequal, and its zeros stay."""
    audio = recording(6)
    for rate in RATES[1:]:
        clip = at_rate(audio, rate)
        clip[:int(0.0008 * rate)] = 0.0  # the take's own first samples silent (an 8-bit recorder's)
        pad = int(round(0.37 * rate))
        both = np.concatenate([np.zeros(pad), clip, np.zeros(pad)])
        start, stop = speech_bounds(both, rate)
        assert abs(start - pad - int(0.0008 * rate)) <= 1 and abs(both.size - stop - pad) <= 1
        assert floor_depth(representations.to_speech_rate(both, rate))[0] < 70
        t = np.arange(int(0.4 * rate)) / rate
        voice = np.round(0.3 * np.sin(2 * np.pi * 150 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t)) * 32767) / 32767
        spoken = np.concatenate([np.zeros(pad + int(0.012 * rate)), voice, np.zeros(pad + int(0.301 * rate))])
        assert unpadded(spoken, rate) == (0, spoken.size)
        assert floor_depth(representations.to_speech_rate(spoken, rate))[0] > 70


def test_a_resamplers_ringing_into_the_zeros_marks_a_run_from_another_rate():
    """FFmpeg's ringing into espeak-ng's silence, rounded to 16 bits: alternating, growing away from the zeros.
    A microphone's floor next to a script's zeros does not ring so, nor does a chain one sample short."""
    ringing = np.array([1, -1, 1, -2, 2, -3, 5, -6, 9, -18, -161, -193]) * STEP_16
    assert rings_into(np.concatenate([np.zeros(86), ringing]), 86)
    assert not rings_into(np.concatenate([np.zeros(86), ringing[:RING_SAMPLES - 1], np.full(5, 0.01)]), 86)
    assert not rings_into(np.concatenate([np.zeros(86), 4 * ringing]), 86)  # its first sample not rounded into the run
    floor = recording(7)
    assert not rings_into(np.concatenate([np.zeros(800), floor]), 800)


def test_a_synthesisers_silence_resampled_to_the_speech_rate_elsewhere_is_kept():
    """espeak-ng's word stopping abruptly into its silence at 22.05 kHz, resampled to 8 kHz by a band-limiting
    resampler and written at 16 bits: its zeros, timed by its speech, carry the resampler's ringing and stay, as
    at its native rate; noise-floor reads them. Unrung, the same runs at 8 kHz are a script's padding."""
    import soxr

    rate = 22050
    t = (np.arange(int(0.4 * rate)) + 37) / rate  # stops at a sample far from 0
    voice = 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    spoken = np.concatenate([np.zeros(265), voice, np.zeros(6637)])  # espeak-ng's 12 and 301 ms
    at_8k = np.round(soxr.resample(spoken, rate, RATE) * 32767) / 32767
    assert unpadded(at_8k) == (0, at_8k.size)
    assert floor_depth(at_8k)[0] > 70
    lead, trail = np.flatnonzero(at_8k)[[0, -1]]
    word = np.round(at_8k[lead + 40:trail - 40] * 32767) / 32767  # the ringing cut away: a take padded by a script
    scripted = np.concatenate([np.zeros(lead + 40), word, np.zeros(at_8k.size - trail + 40)])
    assert speech_bounds(scripted) == (lead + 40, lead + 40 + word.size)


def truncated(audio):
    """`audio` written at 16 bits as soundfile.write does from floats (libsndfile floors) and read back."""
    buffer = io.BytesIO()
    soundfile.write(buffer, np.asarray(audio, dtype=np.float32), RATE, subtype="PCM_16", format="WAV")
    buffer.seek(0)
    return soundfile.read(buffer, dtype="float64")[0]


def stopped_at_8k():
    """espeak-ng's word stopping abruptly, at the end of a pitch period, into its 12 and 301 ms of silence at 22.05
    kHz, resampled to 8 kHz in floats as librosa.load(sr=8000) does (soxr)."""
    import soxr

    rate = 22050
    t = np.arange(int(0.4 * rate)) / rate  # 60 periods of 150 Hz
    voice = 0.3 * np.sin(2 * np.pi * 150 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return soxr.resample(np.concatenate([np.zeros(265), voice, np.zeros(6637)]).astype(np.float32), rate, RATE)


def test_a_float_resamplers_residue_into_the_zeros_marks_a_run_from_another_rate():
    """The resampler's residue after the word, far below a step, before its exact zeros: written in floats it lies
    off the 16-bit grid, written by soundfile at 16 bits it is truncated to 0 and -1. Either way the zeros stay (at
    8 kHz a run is otherwise a script's padding) and noise-floor reads them; truncated, the residue is no fade's
    rounded tail."""
    at_8k = stopped_at_8k()
    for written in (at_8k.astype(np.float64), truncated(at_8k)):
        trail = int(np.flatnonzero(written[::-1])[0])
        assert residue_into(written[::-1], trail, RATE, loud_power(frame_powers(written)))
        assert unpadded(written)[1] == written.size
        assert floor_depth(written)[0] > 70
    assert set(np.round(truncated(at_8k)[-trail - 40:-trail] / STEP_16)) <= {0.0, -1.0}


def test_a_suppressors_truncated_residual_next_to_a_scripts_zeros_is_padding():
    """A quiet take whose suppressor takes its floor below a step over its last 40 ms (a frame's gain falling), then
    written by soundfile (0 and -1) and padded at 8 kHz: the same two values next to the zeros, but the word does
    not stop into them, so the runs are a script's padding and the floor reads within a microphone's."""
    take = recording(9, floor=3e-4).astype(np.float32)
    take[-900:] *= np.concatenate([np.linspace(1.0, 0.003, 320), np.full(580, 0.003)]).astype(np.float32)
    written = truncated(take)
    assert set(np.round(written[-100:] / STEP_16)) <= {0.0, -1.0}
    scripted = np.concatenate([np.zeros(800), written, np.zeros(1200)])
    assert not residue_into(scripted[::-1], 1200, RATE, loud_power(frame_powers(scripted)))
    assert speech_bounds(scripted)[1] <= 800 + written.size
    assert floor_depth(scripted)[0] < 70


def faded_out(audio, rate, seconds, trail):
    """A trimming script's or an editor's ending: the last `seconds` faded linearly to 0, rounded to 16 bits, then
    `trail` zeros (Speech Commands' trimmed examples: 61-88 ms, of no round length)."""
    out = audio.copy()
    n = int(seconds * rate)
    out[-n:] *= np.linspace(1.0, 0.0, n)
    return np.concatenate([np.round(out * 32767) / 32767, np.zeros(trail)])


def test_a_fade_through_the_floor_into_zeros_is_an_editors():
    """The fade takes a quiet room's floor after the word (about six 16-bit steps) down through a
    step before the zeros: the zeros and that rounded tail are set aside at any rate, whatever their length, and
    noise-floor reads the room's floor."""
    for rate in RATES:
        clip = at_rate(recording(8, floor=2e-4), rate)
        faded = faded_out(clip, rate, 0.2, int(0.0619 * rate) | 1)
        start, stop = speech_bounds(faded, rate)
        assert start == 0 and clip.size - int(0.2 * rate) < stop < clip.size
        assert np.all(np.abs(faded[stop:]) <= 2 * STEP_16 + 1e-12)  # only the tail within two steps set aside
        assert floor_depth(representations.to_speech_rate(faded, rate))[0] < 70


def test_a_stop_or_a_resamplers_ringing_into_zeros_is_no_fade():
    """A synthesiser's stop has no rounded tail before its zeros, and a resampler's faint ringing into them
    (1e-9 and falling) lies off the 16-bit grid: neither is read as a fade, and the zeros stay."""
    rate = 22050
    t = np.arange(int(0.4 * rate)) / rate
    voice = np.round(0.3 * np.sin(2 * np.pi * 150 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t)) * 32767) / 32767
    spoken = np.concatenate([np.zeros(265), voice, np.zeros(6637)])
    assert fade_tail(spoken[::-1], 6637, rate) == 0 and unpadded(spoken, rate) == (0, spoken.size)
    at_8k = representations.to_speech_rate(spoken, rate)  # soxr rings faintly into the zeros
    run = int(np.flatnonzero(at_8k[::-1])[0])
    assert fade_tail(at_8k[::-1], run, RATE) == 0
    assert floor_depth(at_8k)[0] > 70


def voiced(rate, floor=3e-4, lead=0.1, seconds=0.5, seed=0):
    """A held voiced sound at 16 bits (150 Hz and its harmonics, 0.3 peak) over a room's floor (RMS `floor`), after
    `lead` seconds of the floor alone."""
    t = np.arange(int(seconds * rate)) / rate
    voice = sum(0.3 / k * np.sin(2 * np.pi * 150 * k * t) for k in (1, 2, 3)) / 1.8
    voice[:int(lead * rate)] = 0.0
    return np.round((voice + np.random.default_rng(seed).normal(0, floor, t.size)) * 32767) / 32767


def test_a_fade_over_the_words_end_into_zeros_is_an_editors():
    """SoX's `fade` after its `silence` trim: a gain falling over 90 ms through the word itself, not its floor,
    into zeros of no round length. The level falls for the whole fade, so the zeros are padding at any rate and
    noise-floor reads the room's floor, not digital silence."""
    for rate in (16000, 22050):
        word = voiced(rate)
        n = int(0.09 * rate)
        word[-n:] = np.round(word[-n:] * np.linspace(1.0, 0.0, n) * 32767) / 32767
        trail = int(0.0731 * rate) | 1
        faded = np.concatenate([word, np.zeros(trail)])
        assert fade_tail(faded[::-1], trail, rate) == 0  # through the word: no stretch within two steps
        assert fades_out(faded[::-1], trail, rate)
        assert unpadded(faded, rate)[1] <= word.size
        assert floor_depth(representations.to_speech_rate(faded, rate))[0] <= 70


def test_a_synthesisers_stop_from_a_held_level_is_no_fade_out():
    """A synthesiser stops from a held level into its zeros, at once or over a pitch period or two (10 ms), and the
    resampler's ringing into them at the speech rate is no fade's course: the zeros stay and, at espeak-ng's rate,
    read as its silence (at 16 kHz a stop that soxr halves without ringing is read as a trim at 8 kHz, as before)."""
    for rate in (16000, 22050):
        for ramp in (0.0, 0.01):
            word = voiced(rate, floor=0.0, lead=0.012)  # espeak-ng's lead
            n = max(1, int(ramp * rate))
            word[-n:] = np.round(word[-n:] * np.linspace(1.0, 0.0, n) * 32767) / 32767
            trail = int(0.301 * rate)
            spoken = np.concatenate([word, np.zeros(trail)])
            assert not fades_out(spoken[::-1], trail, rate)
            at_8k = representations.to_speech_rate(spoken, rate)
            run = int(np.flatnonzero(at_8k[::-1])[0])
            assert not fades_out(at_8k[::-1], run, RATE)
            assert rate != 22050 or floor_depth(at_8k)[0] > 70

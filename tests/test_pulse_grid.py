"""The pulse-grid detector (engine/detectors/pulse_grid.py): a vocoder places its pitch pulses at whole
samples of its rate, a voice anywhere. Source-filter signals whose pulses lie on the 16 kHz grid or anywhere
(a jittered, gliding F0 either way, so only the grid differs), real FSDD recordings, and a case on the
embedded FSDD recordings: a grid voice is read, a real take is not, and GSM 06.10 and clipping make it stand
aside."""
import numpy as np
import pytest
import soundfile
from scipy.signal import lfilter

from engine.data.builtins import corpus_files
from engine.detectors.channels import StandAside
from engine.detectors.pulse_grid import (FINE_GRID_RATE, GRID_RATE, LAG_NEAR, MIN_INTERVALS, NATIVE_READINGS,
                                        POOLED_KEY, PulseGrid, grid_scores, grid_z, lag_values, native_lag_intervals,
                                        near_whole_z, pooled_scores, pulse_intervals)
from engine.verdict import judge

RATE = 8000
FORMANTS = ((700.0, 90.0), (1200.0, 110.0), (2600.0, 160.0))  # (Hz, bandwidth Hz)


def pulse_voice(seconds=1.0, on_grid=False, sigma=0.01, seed=0, f0=(125.0, 95.0), grid=GRID_RATE):
    """Band-limited pulses at a jittered, gliding F0 (each period times 1 + sigma N(0,1)), rounded to whole
    `grid` samples when `on_grid`, through three formant resonators; at RATE."""
    rng = np.random.default_rng(seed)
    pulses = [0.01]
    while pulses[-1] < seconds - 0.01:
        f = f0[0] + (f0[1] - f0[0]) * pulses[-1] / seconds
        pulses.append(pulses[-1] + (1 + sigma * rng.standard_normal()) / f)
    pulses = np.array(pulses[:-1])
    if on_grid:
        pulses = np.round(pulses * grid) / grid
    n = np.arange(int(seconds * RATE))
    x = np.zeros(n.size)
    for centre in pulses * RATE:
        near = np.abs(n - centre) < 24
        x[near] += 0.9 * np.sinc(0.9 * (n[near] - centre)) * np.hanning(50)[np.round(n[near] - centre).astype(int) + 24]
    for frequency, bandwidth in FORMANTS:
        r = np.exp(-np.pi * bandwidth / RATE)
        x = lfilter([1.0 - r], [1.0, -2 * r * np.cos(2 * np.pi * frequency / RATE), r * r], x)
    return 0.3 * x / np.abs(x).max()


def test_pulses_on_the_grid_score_high_and_pulses_anywhere_do_not():
    on = grid_scores([pulse_voice(on_grid=True, seed=seed) for seed in range(3)])
    anywhere = grid_scores([pulse_voice(on_grid=False, seed=seed) for seed in range(3)])
    assert (on > 20).all()  # about 100 intervals, nearly all on the grid
    assert (anywhere < 6).all()  # Rayleigh's z of uniform phases: exp(-6) = 0.25 % of recordings above


def test_intervals_follow_the_pitch_and_few_or_none_score_zero():
    intervals = pulse_intervals(pulse_voice(on_grid=True))
    assert intervals.size > 80 and np.median(intervals) == pytest.approx(RATE / 110, rel=0.1)
    assert grid_z(np.array([]))[0] == 0.0
    rng = np.random.default_rng(0)
    short = pulse_voice(seconds=0.06, on_grid=True)
    assert pulse_intervals(short).size < MIN_INTERVALS
    assert (grid_scores([None, short, rng.normal(0, 0.1, RATE)]) == 0).all()


def test_real_recordings_read_as_pulses_anywhere():
    files = corpus_files("fsdd")
    z = grid_scores([soundfile.read(files[k], dtype="float64")[0] for k in range(300, 360, 3)])
    assert np.median(z) < 2 and z.max() < 8


def test_a_grid_voice_is_read_by_the_case_and_gsm_and_clipping_make_the_detector_stand_aside(fsdd_case, fsdd_channel,
                                                                                           tmp_path):
    voice, clipped = tmp_path / "vocoder.wav", tmp_path / "clipped.wav"
    soundfile.write(str(voice), pulse_voice(seconds=1.5, on_grid=True), RATE, subtype="PCM_16")
    # a real take at gain x4, saturated at 16 bits: read as clipped at its own rate, pulse-grid stands aside
    take, _ = soundfile.read(corpus_files("fsdd")[331], dtype="float64")
    soundfile.write(str(clipped), np.clip(4 * take / np.abs(take).max(), -1, 32767 / 32768), RATE, subtype="PCM_16")
    real = corpus_files("fsdd")[330]
    made, genuine, flattened = judge(fsdd_case, [str(voice), real, str(clipped)])["files"]
    # the formant voice's own floor reads as added noise: judged against the reference brought up to it as well,
    # where no recording shows the grid (a bound at 1/(n + 1), sharing the bounds' weight); still decisive
    entry = made["detectors"]["pulse-grid"]
    assert made["label"] == "generated" and entry["tail_probability"] <= 0.01 * entry["weight"]
    assert any(r.startswith("pulse-grid:") and "whole 16 kHz samples" in r for r in made["reasons"])
    assert genuine["detectors"]["pulse-grid"]["tail_probability"] > 0.01 and genuine["label"] != "generated"
    assert made["detectors"]["pulse-grid"]["weight"] > 0 and genuine["detectors"]["pulse-grid"]["weight"] > 0
    assert flattened["detectors"]["pulse-grid"]["weight"] == 0 and flattened["channel"]["clipping"]["flat_tops"] >= 3
    assert any(r.startswith("clipped:") and "pulse-grid stands aside" in r for r in flattened["reasons"])

    detectors, _ = fsdd_channel(("audio", "GSM610", None, None, None), few=True)
    wrapped = [d for d in detectors if d.name == "pulse-grid"]
    assert len(wrapped) == 1 and isinstance(wrapped[0], StandAside)


def native_voice(rate, on_grid, seconds=1.0, seed=0):
    """A 16-bit recording at `rate` (NativeAudio) of pulses at a jittered, gliding F0 through formants up to the
    Nyquist frequency (a vocoder's filter spans the band): each pulse at a whole sample of `rate` when `on_grid` (a vocoder writing there), else anywhere (a
    band-limited impulse at its exact time)."""
    from engine.data.sampleset import NativeAudio

    rng = np.random.default_rng(seed)
    times = [0.01]
    while times[-1] < seconds - 0.02:
        times.append(times[-1] + (1 + 0.01 * rng.standard_normal()) / (200.0 - 40.0 * times[-1] / seconds))
    n = np.arange(int(seconds * rate))
    x = np.zeros(n.size)
    for centre in np.array(times) * rate:
        if on_grid:
            x[int(round(centre))] += 1.0
        else:
            near = np.abs(n - centre) < 48
            x[near] += np.sinc(n[near] - centre) * np.hanning(97)[np.round(n[near] - centre).astype(int) + 48]
    for frequency, bandwidth in [f for f in FORMANTS + ((5200.0, 300.0), (11000.0, 1500.0)) if f[0] < rate / 2]:
        r = np.exp(-np.pi * bandwidth / rate)
        x = lfilter([1.0 - r], [1.0, -2 * r * np.cos(2 * np.pi * frequency / rate), r * r], x)
    x = x / np.abs(x).max() + 1e-4 * rng.standard_normal(x.size)  # a faint floor, 80 dB down
    samples = np.round(0.3 * x / np.abs(x).max() * 32767).astype(np.int16)
    return NativeAudio(rate, samples, 6000)


def test_a_file_written_above_the_speech_rate_is_read_on_its_own_grid():
    """Pulses on the 32 kHz grid (an HTS vocoder's) are read on the file's own samples (z far above a voice's), which
    the speech rate's 16 kHz grid misses; pulses anywhere stay near Rayleigh's 1 at the file's rate; a file without
    its samples as written is read at the speech rate as before."""
    from engine.data.representations import to_speech_rate
    from engine.detectors.batch import Batch
    from engine.detectors.pulse_grid import PulseGrid

    natives = [native_voice(32000, True), native_voice(32000, False), native_voice(16000, False, seed=1)]
    audio = [to_speech_rate(n.samples / 32768.0, n.rate) for n in natives]
    detector = PulseGrid({"cal_pulse_grid": np.zeros(10)})
    batch = Batch(np.zeros((3, 1)), np.arange(3), audio=audio, native=natives)
    native_z = detector.scores(batch)
    speech_rate_z = grid_scores(audio)
    own = [grid_z(detector.native_intervals(batch, g)[0], 1.0)[0] for g in range(3)]
    lag = [near_whole_z(detector.native_intervals(batch, g)[1]) for g in range(3)]
    assert own[0] > 8 and speech_rate_z[0] < 2  # the 32 kHz grid: caught only at the file's own rate
    assert own[1] < 2 and own[2] < 5 and native_z[1] < 2 and native_z[2] < 5  # pulses anywhere, either rate
    np.testing.assert_allclose(native_z, np.maximum(0, np.maximum(np.maximum(own, lag), speech_rate_z)
                                                    - np.log(1 + NATIVE_READINGS)))
    plain = detector.scores(Batch(np.zeros((3, 1)), np.arange(3), audio=audio))
    np.testing.assert_allclose(plain, speech_rate_z)
    assert "own whole samples at 32 kHz" in detector.recording_reason(audio[0], batch, 0, float(native_z[0]), 1e-9)


def dispersed_voice(on_grid, seconds=1.0, seed=0, rate=16000):
    """16-bit samples at `rate` of pulses at a jittered, gliding F0, each dispersed by a 4 ms chirp (a phase
    codebook's pulse, as SVOX Pico writes it), through formants: each pulse at a whole sample when `on_grid` (Pico's
    whole-sample periods), else at its exact time (a band-limited impulse)."""
    rng = np.random.default_rng(seed)
    times = [0.01]
    while times[-1] < seconds - 0.03:
        times.append(times[-1] + (1 + 0.01 * rng.standard_normal()) / (150.0 - 30.0 * times[-1] / seconds))
    x = np.zeros(int(seconds * rate))
    taps = np.arange(64)
    chirp = np.sin(np.pi * 0.02 * taps ** 2 / 8) * np.hanning(64)
    for centre in np.array(times) * rate:
        start, offset = int(np.floor(centre)), 0.0 if on_grid else centre - np.floor(centre)
        pulse = np.convolve(chirp, np.sinc(np.arange(-16, 17) - offset) * np.hanning(33))
        x[start:start + pulse.size] += pulse[:max(0, min(pulse.size, x.size - start))]
    for frequency, bandwidth in FORMANTS:
        r = np.exp(-np.pi * bandwidth / rate)
        x = lfilter([1.0 - r], [1.0, -2 * r * np.cos(2 * np.pi * frequency / rate), r * r], x)
    x = x / np.abs(x).max() + 1e-4 * rng.standard_normal(x.size)
    return np.round(0.3 * x / np.abs(x).max() * 32767).astype(np.int16)


def native_readings(samples, rate):
    """(The residual peaks' Rayleigh z on the file's own grid, the lags' near_whole_z) of 16-bit samples at `rate`."""
    from engine.data.representations import to_speech_rate
    from engine.data.sampleset import NativeAudio
    from engine.detectors.cycles import cycle_runs
    from engine.detectors.pulse_grid import native_pulse_intervals

    native = NativeAudio(rate, samples, rate // 2)
    runs = cycle_runs(to_speech_rate(samples / 32768.0, rate))
    return grid_z(native_pulse_intervals(native, runs), 1.0)[0], near_whole_z(native_lag_intervals(native, runs))


def test_dispersed_pulses_on_whole_samples_are_read_by_their_lags_and_a_voice_is_not():
    """Dispersed pulses at whole 16 kHz samples (Pico's) hide their grid from the residual's peaks but show it in the
    lags between neighbours, z far above chance; the same pulses at their exact times, and real takes resampled to
    16 kHz (a voice places its pulses anywhere, whatever the rate), stay near chance."""
    import soxr

    on = [native_readings(dispersed_voice(True, seed=seed), 16000) for seed in range(2)]
    anywhere = [native_readings(dispersed_voice(False, seed=seed), 16000)[1] for seed in range(2)]
    assert all(peaks < 3 and lags > 6 for peaks, lags in on) and max(anywhere) < 3  # a third of the values vote
    takes = [soundfile.read(corpus_files("fsdd")[k], dtype="float64")[0] for k in range(300, 330, 6)]
    real = [native_readings(np.round(np.clip(soxr.resample(t, RATE, 16000), -1, 1) * 32767).astype(np.int16),
                            16000)[1] for t in takes]
    assert np.median(real) < 2 and max(real) < 7  # exp(-7): one take in 1,100
    assert near_whole_z(np.array([100.0] * (MIN_INTERVALS - 1))) == 0.0  # too few lags to read
    assert near_whole_z(np.arange(MIN_INTERVALS) + 0.5) == 0.0  # none near a whole sample


def test_a_steady_voice_whose_period_sits_near_a_whole_sample_counts_once():
    """A held vowel keeps its period: 60 lags at 100.01 +- 0.005 samples are one whole-sample value visited, one vote,
    z = -ln(2 LAG_NEAR) (counted one by one they were 60 hits, z in the hundreds); the same lags spread over 30 values
    each within 0.01 of it (a vocoder's whole-sample periods under a moving pitch) are 30 votes."""
    rng = np.random.default_rng(0)
    held = 100.01 + 0.005 * rng.standard_normal(60)
    assert near_whole_z(held) == pytest.approx(-np.log(2 * LAG_NEAR))
    gliding = np.repeat(np.arange(100, 130), 2) + 0.01 * rng.uniform(-1, 1, 60)
    assert near_whole_z(gliding) > 60
    assert near_whole_z(np.repeat(np.arange(100, 130), 2) + rng.uniform(0, 1, 60)) < 5  # a voice's glide: anywhere


def test_the_pooled_reading_sees_the_32_khz_grid_and_a_voice_stays_near_chance():
    """At the speech rate pulses on whole 32 kHz samples (festival's HTS voice through sox) fall half on the 16 kHz
    grid's phase 0 and half on pi, which the pooled reading's 32 kHz grid reads; pulses on whole 16 kHz samples lie on
    it too; pulses anywhere and real takes stay near chance."""
    fine = [pulse_voice(on_grid=True, seed=seed, grid=FINE_GRID_RATE) for seed in range(3)]
    anywhere = [pulse_voice(on_grid=False, seed=seed) for seed in range(3)]
    assert (pooled_scores(fine) > 15).all() and (grid_scores(fine) < 6).all()
    assert (pooled_scores([pulse_voice(on_grid=True, seed=seed) for seed in range(3)]) > 15).all()
    assert (pooled_scores(anywhere) < 5).all()
    files = corpus_files("fsdd")
    z = pooled_scores([soundfile.read(files[k], dtype="float64")[0] for k in range(300, 360, 3)])
    assert np.median(z) < 2 and z.max() < 7


def test_a_looped_take_is_read_as_the_take_alone():
    """A real take looped ten times holds its intervals ten times: Rayleigh's z = n R^2 grows with the copies (the
    16 kHz grid over every run read such loops as grids), the pooled reading counts each repeated run once and stays
    near chance (a run cut across a copy's end, not found again, may still count twice)."""
    files = corpus_files("fsdd")
    takes = [soundfile.read(files[k], dtype="float64")[0] for k in (300, 301, 317)]
    loops = [np.tile(take, 10) for take in takes]
    alone, looped = pooled_scores(takes), pooled_scores(loops)
    assert looped.max() < 4 and np.all(looped < alone + 2.5)  # near chance, as the takes alone
    assert grid_scores(loops)[1] > grid_scores(takes)[1] + 4  # every run counted: the loop's lean adds up (0 -> 6.1)


def test_a_held_period_counts_once_in_the_pool():
    """Lags held at one whole-sample value are one observation, at their mean phase; values apart are one each."""
    held = 100.2 + 0.002 * np.random.default_rng(0).standard_normal(60)  # 200.4 samples of the 16 kHz grid
    assert lag_values(held).size == 1 and lag_values(held)[0] == pytest.approx(0.2, abs=0.01)  # phase 0.4 of a turn
    assert lag_values(np.arange(100, 130) + 0.01).size == 30


def test_an_older_profile_reads_and_calibrates_the_16_khz_grid_alone():
    voices = [pulse_voice(on_grid=True, seed=0, grid=FINE_GRID_RATE), pulse_voice(seed=1)]
    from engine.detectors.batch import Batch

    batch = Batch(np.zeros((2, 1)), np.arange(2), audio=voices)
    older = PulseGrid({"cal_pulse_grid": np.zeros(10)})
    pooled = PulseGrid({"cal_pulse_grid": np.zeros(10), POOLED_KEY: 2})
    np.testing.assert_allclose(older.scores(batch), grid_scores(voices))
    np.testing.assert_allclose(pooled.scores(batch), pooled_scores(voices))
    assert PulseGrid.calibrate(voices, pooled=False).keys() == {"cal_pulse_grid"}
    assert set(PulseGrid.calibrate(voices)) == {"cal_pulse_grid", POOLED_KEY}
    assert "32 kHz grid" in pooled.method and "32 kHz" not in older.method
    assert "whole 32 kHz samples" in pooled.recording_reason(voices[0], batch, 0, 10.0, 1e-6)


def test_a_file_above_48_khz_is_read_at_the_speech_rate_alone():
    """No synthesiser writes above NATIVE_MAX_RATE: pulses on a 96 kHz file's own grid (a resampler's interpolation can
    lock a voice's residual peaks to it) are not read there, and its reason names no reading as written."""
    from engine.data.representations import to_speech_rate
    from engine.detectors.batch import Batch
    from engine.data.sampleset import NativeAudio
    from engine.detectors.pulse_grid import NATIVE_MAX_RATE, PulseGrid, read_as_written

    natives = [native_voice(96000, True), native_voice(32000, True)]
    audio = [to_speech_rate(n.samples / 32768.0, n.rate) for n in natives]
    detector = PulseGrid({"cal_pulse_grid": np.zeros(10)})
    batch = Batch(np.zeros((2, 1)), np.arange(2), audio=audio, native=natives)
    z = detector.scores(batch)
    speech_rate_z = grid_scores(audio)
    assert z[0] == pytest.approx(speech_rate_z[0])
    assert z[1] > speech_rate_z[1] + 3  # 32 kHz: its own grid read as before
    assert "read as written" not in detector.recording_reason(audio[0], batch, 0, float(z[0]), 0.5)
    assert read_as_written(NativeAudio(NATIVE_MAX_RATE, natives[0].samples, 6000))
    assert not read_as_written(NativeAudio(NATIVE_MAX_RATE + 1, natives[0].samples, 6000))

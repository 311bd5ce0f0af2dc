"""Long recordings judged at the reference's scale (engine/detectors/segments.py): a recording much
longer than the reference's is cut at pauses into segments of their length, each scored as a
reference recording is, and the file gets its segments' tail probabilities merged by Hommel's rule (valid
whatever their dependence). Real digit takes in a row stay real, a frame repeated in every pause stays caught, and the
correction keeps the false-positive rate at alpha for real recordings of any length."""
import numpy as np
import soundfile

from engine.data.builtins import corpus_files
from engine.detectors import calibration, segments
from engine.verdict import judge
from tests.test_cycle_jitter import RATE
from tests.test_repeated_cycle import with_pause

LENGTH = 4000  # half a second at 8 kHz, about an FSDD take


def test_short_recordings_are_judged_whole_and_long_ones_in_segments_of_the_reference_length():
    rng = np.random.default_rng(0)
    assert segments.split(rng.normal(size=LENGTH * 7 // 5), LENGTH)[0].size == LENGTH * 7 // 5  # under 1.5: whole
    assert len(segments.split(rng.normal(size=2 * LENGTH), LENGTH)) == 2
    pieces = segments.split(rng.normal(size=10 * LENGTH + 123), LENGTH)
    assert len(pieces) == 10 and sum(p.size for p in pieces) == 10 * LENGTH + 123
    assert all(0.5 * LENGTH <= p.size <= 1.5 * LENGTH for p in pieces)
    assert segments.split(None, LENGTH) == [None]


def test_cuts_fall_in_a_pause_near_where_they_would_fall():
    rng = np.random.default_rng(1)
    audio = rng.normal(size=4 * LENGTH)
    audio[2 * LENGTH + 600:2 * LENGTH + 900] *= 1e-3  # a pause 600-900 samples past the even cut
    assert any(2 * LENGTH + 600 <= cut <= 2 * LENGTH + 900 for cut in segments.cut_points(audio, LENGTH))


def test_the_file_gets_the_segments_merged_tail_probability_and_a_score_that_reads_so():
    tail = calibration.tail_model(np.random.default_rng(2).normal(size=500))
    score, p, k = segments.corrected(tail, [0.1, 3.0, 0.5, 0.2])
    p_segment = calibration.tail_probability(tail, [3.0])[0]
    assert k == 1 and np.isclose(p, segments.merged(calibration.tail_probability(tail, [0.1, 3.0, 0.5, 0.2])))
    assert 4 * p_segment <= p <= 4 * (1 + 1 / 2 + 1 / 3 + 1 / 4) * p_segment  # one extreme segment: Bonferroni and more
    assert np.isclose(calibration.tail_probability(tail, [score])[0], p, rtol=1e-6)
    # a trait in every segment is judged by their largest tail probability, far below Bonferroni's n times the smallest
    assert np.isclose(segments.corrected(tail, [3.3, 3.2, 3.1, 3.0])[1],
                      (1 + 1 / 2 + 1 / 3 + 1 / 4) * p_segment)
    assert segments.corrected(tail, [3.0]) == (3.0, p_segment, 0)  # one segment: its own score
    assert segments.corrected(tail, [-5.0, -5.0])[1] == 1.0


def test_the_count_correction_keeps_real_recordings_of_any_length_at_alpha():
    rng = np.random.default_rng(3)
    tail = calibration.tail_model(rng.normal(size=500))
    for n in (1, 5, 20):
        p = np.array([segments.corrected(tail, rng.normal(size=n))[1] for _ in range(2000)])
        assert np.mean(p <= 0.01) <= 0.02  # alpha, up to the calibration's own error on 500 files
    # without the correction the smallest of 20 segments' tail probabilities is below alpha far more often
    smallest = np.array([calibration.tail_probability(tail, rng.normal(size=20)).min() for _ in range(2000)])
    assert np.mean(smallest <= 0.01) > 0.04  # several times alpha


def test_real_takes_in_a_row_keep_their_label_and_a_repeated_frame_in_every_pause_is_still_caught(
        fsdd_case, tmp_path):
    files = corpus_files("fsdd")[300:320]
    takes = [soundfile.read(path, dtype="float64")[0] for path in files]
    in_a_row, repeated = tmp_path / "in_a_row.wav", tmp_path / "repeated.wav"
    soundfile.write(str(in_a_row), np.concatenate(takes), RATE, subtype="PCM_16")
    soundfile.write(str(repeated), np.tile(takes[0], 10), RATE, subtype="PCM_16")
    stretched = tmp_path / "stretched.wav"
    soundfile.write(str(stretched), np.concatenate([with_pause(True, seed=s) for s in range(8)]), RATE,
                    subtype="PCM_16")
    *alone, row, tiled, synthetic = judge(fsdd_case, files + [str(in_a_row), str(repeated), str(stretched)])["files"]
    assert row["label"] != "generated" and tiled["label"] == alone[0]["label"]
    for name in ("repeated-cycle", "synthetic-voice"):
        # whole, the row's extreme would be its most extreme take's (the same tail probability); judged in
        # segments it pays for their number
        most_extreme = min(v["detectors"][name]["tail_probability"] for v in alone)
        assert row["detectors"][name]["tail_probability"] >= min(1.0, 5 * most_extreme)
    entry = synthetic["detectors"]["repeated-cycle"]  # a bound no voice reaches: judged whole, it still decides
    assert synthetic["label"] == "generated" and entry["tail_probability"] <= 0.01 * entry["weight"]
    assert any(r.startswith("repeated-cycle:") and "segments of about" not in r for r in synthetic["reasons"])


def test_a_word_padded_with_silence_is_judged_whole_however_long_the_padding_and_continuous_sound_is_cut():
    rng = np.random.default_rng(5)
    word = rng.normal(size=LENGTH * 3 // 4)
    hiss = 1e-3 * rng.normal(size=LENGTH * 2)  # 60 dB below the word: a recorder's floor, not its sound
    for pad in (np.zeros(LENGTH * 2), hiss):  # a synthesiser's digital silence, a 1-s clip's recorded background
        padded = np.concatenate([pad[:LENGTH // 2], word, pad[LENGTH // 2:]])  # 2.4 lengths, its sound 0.75
        assert segments.speech_duration(padded) < segments.WHOLE_BELOW * LENGTH
        assert segments.cut_points(padded, LENGTH) == [] and len(segments.split(padded, LENGTH)) == 1
    # sound spanning 1.5 lengths or more is cut by the recording's length, its pauses included
    sentence = np.concatenate([word, np.zeros(LENGTH // 4), word, np.zeros(LENGTH)])
    assert segments.speech_duration(sentence) >= segments.WHOLE_BELOW * LENGTH
    assert len(segments.split(sentence, LENGTH)) == int(round(sentence.size / LENGTH)) == 3

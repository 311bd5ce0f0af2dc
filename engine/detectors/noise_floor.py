"""Noise floor: how far a recording's quietest moments lie below its speech.

A microphone recording always carries a floor of room and self-noise: it never falls
silent. Speech synthesised and written straight to a file (formant and rule-based
synthesisers, concatenative and statistical ones, most text-to-speech front ends) is
computed sample by sample, and between and around the words it is exactly or nearly 0.
The trait is generic, not one synthesiser's fingerprint: digital silence and an
implausibly low floor are the first things anti-spoofing work checks (ASVspoof 2019/2021
analyses of leading/trailing silence; Müller et al. 2021, "Speech is silver, silence is
golden"). The statistic, on the waveform at the speech rate (engine/data/representations.py):

    depth = 10 log10(mean power of the loudest LOUD_SHARE of 20 ms frames / FLOOR_QUANTILE
            quantile of the frame powers)      [dB; a frame's power about its mean; frames
            entirely silent count as DEPTH_CAP dB down]

A ratio of powers, so any gain leaves it unchanged (requantising a quieter copy to 16 bits
only raises the floor). Higher depth = cleaner = less like a recording; one-sided by
construction: noise added on the way (a channel, a noisier room) only lowers it, so it
cannot make a real file look synthetic. It fits nothing: every reference recording kept
in the profile (`ref_audio`) calibrates it, and under an audio channel the channelled
reference recordings do (engine/detectors/channels.py).

It needs the waveform: a file that reaches the verdict as mel patches (a generator's .npy)
has none, and the detector stands aside for it (weight 0). What it cannot see: a
synthesiser whose output carries a noise floor of its own (Griffin-Lim inversion or LPC
resynthesis of real recordings inherits theirs; synthetic speech with noise added at 30 dB
SNR loses the trait), measured in docs/verdicts.md.
"""
import numpy as np

from engine.detectors import calibration

FRAME, HOP = 160, 80  # 20 ms frames, 10 ms hop at 8000 Hz
LOUD_SHARE = 0.25  # the loud frames: as representations.LEVEL_TOP
FLOOR_QUANTILE = 0.1  # the floor: the quietest tenth of the frames
DEPTH_CAP = 300.0  # dB; a frame of exact digital silence counts as this far down


def frame_powers(audio):
    audio = np.asarray(audio, dtype=np.float64)
    if audio.size < FRAME:
        audio = np.pad(audio, (0, FRAME - audio.size))
    frames = np.lib.stride_tricks.sliding_window_view(audio, FRAME)[::HOP]
    # About its mean: A-law, for one, turns digital silence into a constant offset of one step.
    return frames.var(axis=1)


def floor_depth(audio):
    """(depth in dB, share of frames that are exact digital silence) of one recording;
    depth 0 for a recording with no signal at all (nothing to say about its floor)."""
    power = np.sort(frame_powers(audio))
    loud = power[-max(1, int(round(LOUD_SHARE * power.size))):].mean()
    if loud <= 0:
        return 0.0, 1.0
    floor = max(float(np.quantile(power, FLOOR_QUANTILE)), loud * 10 ** (-DEPTH_CAP / 10))
    return float(10 * np.log10(loud / floor)), float(np.mean(power == 0))


def depths(recordings):
    """(n,) floor depth of each recording (None -> 0: no waveform, the detector stands aside)."""
    return np.array([floor_depth(a)[0] if a is not None else 0.0 for a in recordings])


def depth_scores(recordings):
    """(n,) the scores: (depth / 10 dB) squared. A microphone's floor depth is bounded (the
    reference's reach 40-65 dB), a light tail that the calibration's exponential tail model
    (engine/detectors/calibration.py) extrapolates far too cautiously; its square has the
    heavier tail that model fits (as tonality's z|z|)."""
    return (depths(recordings) / 10) ** 2


class NoiseFloor:
    name = "noise-floor"
    modalities = ("speech",)
    calibration = "every reference recording kept in the profile"

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted, recordings):
        """The profile's arrays: the score of every reference recording kept in the profile
        (`recordings`, waveforms at the speech rate; none when the reference cannot be re-read:
        {}, no detector)."""
        if ref.modality != "speech" or not len(recordings):
            return {}
        return cls.calibrate(recordings)

    @staticmethod
    def calibrate(audio):
        """The profile arrays of a list of reference recordings (clean, or through a channel)."""
        return {"cal_noise_floor": depth_scores(audio)}

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_noise_floor"])
        self.method = (f"depth (dB) of the recording's noise floor ({FLOOR_QUANTILE:.0%} quantile of its 20 ms "
                       f"frame powers) below its loudest {LOUD_SHARE:.0%} of frames, from the waveform: a "
                       f"microphone never falls silent, synthesised speech written to a file does; "
                       f"one-sided, gain-invariant; calibrated on every kept reference recording")

    def informative(self, samples):
        """Only a file read from a recording has a waveform (mel patches from a .npy do not)."""
        return getattr(samples, "audio", None) is not None

    def scores(self, batch):
        return depth_scores(batch.recordings())

    def reason(self, batch, g, score, p):
        audio = batch.recordings()[g]
        if audio is None:
            return "noise-floor: no waveform (the file holds mel patches), stands aside"
        depth, silent = floor_depth(audio)
        ref = 10 * np.sqrt(self.tail["sorted"])  # back to dB
        reading = (f"deeper than any reference recording: {silent:.0%} of its frames are exact digital silence"
                   if silent > 0 and depth > ref[-1] else
                   "deeper than any reference recording, as a synthesiser's clean output is" if depth > ref[-1] else
                   "within the reference recordings' range")
        return (f"noise-floor: the quietest tenth of the recording lies {depth:.0f} dB below its loud frames "
                f"(reference recordings: median {np.median(ref):.0f} dB, at most {ref[-1]:.0f} dB), {reading}; "
                f"tail probability {p:.2g}")


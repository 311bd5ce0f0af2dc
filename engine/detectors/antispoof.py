"""Anti-spoofing: what a network trained to tell bona fide speech from synthesised and converted
speech makes of a recording.

AASIST (Jung et al. 2022, ICASSP; training/aasist.py) was trained by its authors on ASVspoof 2019
LA, whose spoofed half holds 19 text-to-speech and voice-conversion systems (neural vocoders,
waveform concatenation, vocoders of the WORLD and STRAIGHT kind) and whose bona fide half many
speakers and sessions of read English: far more speakers and synthesisers than a case's reference
can teach (docs/verdicts.md, "Speech synthesis: a pretrained anti-spoofing model"). Its published
weights ship in resources/models/ (MIT licence, resources/models/LICENSE.txt); their SHA-256 is
checked before they are used. The statistic, on the waveform at the speech rate
(engine/data/representations.py):

    score = spoof logit - bona fide logit    [of the network, on the recording at 16 kHz]

The recording is resampled to the network's 16 kHz (soxr), brought to one loudness (its loudest
quarter of 20 ms frames at LEVEL_RMS: the network is not gain-invariant, and flite's voice at a
tenth of its level scored as FSDD's real recordings do) and read whole: a recording shorter than
MIN_SAMPLES is tiled (repeated) to it, as the network's authors pad short trials, one longer than
MAX_SAMPLES (the 4 s the network was trained on) is cut there. On tuning sets the whole utterance
separated as well as the authors' tiling to a fixed length, at half the cost for a spoken digit.

FSDD's 8 kHz recordings are far from ASVspoof's 16 kHz read speech, so the network calls every
real recording here more spoof than bona fide; the score is therefore never read on its own
scale: it is calibrated on the reference recordings kept in the profile (MAX_CALIBRATION of
them, evenly spaced, to bound what a case and each channel's recalibration cost: 0.3-1 s per
recording on two cores; a profile keeping fewer than MIN_KEPT gets no detector); `calibrate` takes
channelled recordings as well. It needs the waveform: a file that reaches the verdict as mel
patches (a generator's .npy) has none, and the detector stands aside (weight 0).

It is not in the registry (engine/detectors/registry.py): in cases on three FSDD speakers it labelled
none of 380 synthetic digits from 19 flite, festival and espeak-ng voices generated at its share of
alpha (docs/verdicts.md, "Speech synthesis: a pretrained anti-spoofing model"): the reference
speakers' own scores spread as far as the voices' (FSDD's 8 kHz recordings are out of the network's
domain), while it would cost every speech case MAX_CALIBRATION network passes and shrink the other
detectors' shares. Registering it takes one registry line, and for channels a `calibrate` call in
engine/detectors/channels.py beside noise-floor's (commit c414efe had both; under added noise it
stood aside there, since recalibrating costs two passes over the reference per noise level);
tests/benchmarks/test_bench_antispoof.py adds it for its own process.
"""
import functools
import hashlib

import numpy as np

from engine.data import representations
from engine.detectors import calibration
from engine.detectors.detector import KEPT_RECORDINGS, Detector, median

WEIGHTS = ("models", "aasist.safetensors")
WEIGHTS_SHA256 = "e6a4b29e675f5e5a9eaf2f0f5c1f4c39a033ac6f90eed989e8600f98d9e8e5b7"
MIN_SAMPLES = 4000  # 0.25 s at the network's rate: its six time poolings need 2,300 samples
MAX_SAMPLES = 64600  # about 4 s, the length of the network's training trials
# The loud frames' RMS every recording is brought to. The network reads level as evidence (a
# louder copy scores as more spoofed), so one level is imposed, the one that separated best on
# tuning sets (of 0.03, 0.1, 0.3, 0.6, 1.0; FSDD's own: about 0.1, flite's 0.15-0.2).
LEVEL_RMS = 0.3
FRAME = 160  # 20 ms at the speech rate, for the level
LOUD_SHARE = 0.25
MAX_CALIBRATION = 100
# Real recordings' scores differ by speaker (FSDD speakers' medians lie 4 units apart, more than a
# synthesiser's lead over them), so a bound set on a few recordings would be set by chance: a
# profile keeping fewer than MIN_KEPT recordings does not get the detector (nor pays for it).
MIN_KEPT = 100
THREADS = 2  # torch threads while scoring (then restored): the rest of the machine keeps its cores


@functools.lru_cache(maxsize=1)
def network():
    """The network with the shipped weights, loaded once per process; InputError when the
    weights file is missing or is not the one this version ships."""
    from safetensors.torch import load

    from engine.data.builtins import resources_dir
    from engine.errors import InputError
    from training import aasist

    path = resources_dir().joinpath(*WEIGHTS)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"the anti-spoofing model's weights cannot be read ({err.strerror})") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != WEIGHTS_SHA256:
        raise InputError(path, f"the anti-spoofing model's weights changed (SHA-256 {digest[:12]}..., this version "
                               f"ships {WEIGHTS_SHA256[:12]}...); reinstall the application")
    return aasist.build(load(data))


def network_input(audio):
    """(samples,) float32: one recording at the speech rate as the network reads it."""
    import soxr

    from training.aasist import RATE

    audio = np.asarray(audio, dtype=np.float64)
    frames = np.lib.stride_tricks.sliding_window_view(np.pad(audio, (0, max(0, FRAME - audio.size))), FRAME)[::FRAME]
    power = np.sort((frames ** 2).mean(axis=1))
    loud = power[-max(1, int(round(LOUD_SHARE * power.size))):].mean()
    if loud > 0:
        audio = audio * (LEVEL_RMS / np.sqrt(loud))
    wave = soxr.resample(audio, representations.SPEECH_RATE, RATE)
    if wave.size < MIN_SAMPLES:
        wave = np.tile(wave, -(-MIN_SAMPLES // max(1, wave.size)))[:MIN_SAMPLES]
    return wave[:MAX_SAMPLES].astype(np.float32)


def spoof_scores(recordings):
    """(n,) score of each recording at the speech rate (None -> 0: no waveform, the detector
    stands aside)."""
    import torch

    from training.aasist import bonafide_margin

    out = np.zeros(len(recordings))
    present = [k for k, audio in enumerate(recordings) if audio is not None]
    if not present:
        return out
    model = network()
    threads = torch.get_num_threads()
    torch.set_num_threads(min(threads, THREADS))
    try:
        for k in present:  # one at a time: recordings differ in length, and padding would change the score
            out[k] = -bonafide_margin(model, torch.from_numpy(network_input(recordings[k]))[None])[0]
    finally:
        torch.set_num_threads(threads)
    return out


def calibration_recordings(audio):
    """Up to MAX_CALIBRATION of the recordings, evenly spaced."""
    keep = np.unique(np.linspace(0, len(audio) - 1, min(len(audio), MAX_CALIBRATION)).round().astype(int))
    return [audio[k] for k in keep]


class AntiSpoof(Detector):
    name = "antispoof"
    modalities = ("speech",)
    calibration = KEPT_RECORDINGS
    arrays = ("cal_antispoof",)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        """The profile's arrays: the score of the reference recordings kept in the profile
        (`ref.kept_recordings`); {}, no detector, when it keeps fewer than MIN_KEPT (none when the
        reference cannot be re-read)."""
        if len(ref.kept_recordings or ()) < MIN_KEPT:
            return {}
        return cls.calibrate(ref.kept_recordings)

    @staticmethod
    def calibrate(audio):
        """The profile arrays of a list of reference recordings (clean, or through a channel)."""
        return {"cal_antispoof": spoof_scores(calibration_recordings(audio))}

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_antispoof"])
        self.method = ("spoof minus bona fide logit of AASIST (Jung et al. 2022), a graph-attention network on the "
                       "raw waveform trained on ASVspoof 2019 LA's synthesised and converted speech, on the recording "
                       "at 16 kHz and one loudness; calibrated on the kept reference recordings")

    def informative(self, samples):
        """Only a file read from a recording has a waveform (mel patches from a .npy do not)."""
        return getattr(samples, "audio", None) is not None

    def scores(self, batch):
        return spoof_scores(batch.recordings())

    def reason(self, batch, g, score, p):
        if batch.recordings()[g] is None:
            return "antispoof: no waveform (the file holds mel patches), stands aside"
        return (f"antispoof: the anti-spoofing network rates the recording {score:+.1f} toward spoofed speech "
                f"(spoof minus bona fide logit; reference recordings: typically {median(self.tail):+.1f}, at most "
                f"{float(self.tail['sorted'][-1]):+.1f}); tail probability {p:.2g}")

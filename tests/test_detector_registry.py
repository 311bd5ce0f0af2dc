"""The detector registry (engine/detectors/registry.py): every registered detector is fitted
into the profile of a reference it applies to, read back and scored; a profile without a
detector's arrays simply lacks it, one with part of them is refused; and a new detector is
one file and one registry line, which the profile, the verdicts and the report's methods
table pick up untouched."""
import numpy as np
import pytest

from engine import case as case_store
from engine.case_workflows import new_case
from engine.data.specs import load_spec
from engine.detectors import calibration, detector, registry, suite
from engine.detectors.batch import Batch
from engine.detectors.detector import Detector
from engine.detectors.profile import build_profile, item_groups
from engine.verdict import judge

# a reference of each modality and a few files of the same source that it does not hold
REFERENCES = {"image": ("builtin:digits[0:1700]", "builtin:digits[1700:1710]"),
              "music": ("builtin:bach[0:12]", "builtin:bach[12:15]"),
              "speech": ("builtin:fsdd[0:20]", "builtin:fsdd[40:43]")}
CALIBRATIONS = (detector.EVERY_FILE, detector.CROSS_FITTED, detector.HELD_OUT, detector.KEPT_RECORDINGS,
                detector.EVERY_FILE_AND_RESAMPLED, detector.CROSS_FITTED_AND_RESAMPLED, detector.HELD_OUT_AND_RESAMPLED,
                detector.EVERY_FILE_AND_CENTRED_COPIES)


@pytest.fixture(scope="module")
def profiles():
    """{modality: (profile, Batch of held-out files)}."""
    out = {}
    for modality, (reference, held) in REFERENCES.items():
        ref = load_spec(reference)
        assert ref.modality == modality
        evidence = load_spec(held)
        groups, _ = item_groups(evidence.items, evidence.n)
        out[modality] = (build_profile(ref), Batch(evidence.x, groups))
    return out


def test_every_registered_detector_is_fitted_read_back_and_scored(profiles, monkeypatch):
    seen = set()
    for modality, (profile, batch) in profiles.items():
        if modality == "speech":  # judged at one loudness, with their waveforms, as verdicts do
            from engine.data import representations
            from engine.data.builtins import corpus_files
            from engine.data.loaders import load_path

            audio = [load_path(str(f)).audio for f in corpus_files("fsdd")[40:43]]
            batch = Batch(representations.normalise_level(batch.x, batch.groups), batch.groups, audio=audio)
            # cycle-jitter, synthetic-voice, repeated-cycle, lpc-lattice and mel-inversion are fitted only for
            # references keeping 400, 100, 100, 100 and 99 recordings: their arrays as such a one holds them
            # (lpc-lattice's on 4 recordings, about 1 s each)
            from engine.detectors import lpc_lattice
            from engine.detectors.cycle_jitter import CycleJitter
            from engine.detectors.mel_inversion import MelInversion
            from engine.detectors.profile import reference_audio
            from engine.detectors.pulse_grid import PulseGrid
            from engine.detectors.repeated_cycle import RepeatedCycle
            from engine.detectors.synthetic_voice import SyntheticVoice

            kept = [a for _, a in reference_audio(profile)]
            monkeypatch.setattr(lpc_lattice, "MIN_CALIBRATION_WINDOWS", 60)
            profile = dict(profile, **CycleJitter.calibrate(kept), **SyntheticVoice.calibrate(kept),
                           **RepeatedCycle.calibrate(kept), **lpc_lattice.LpcLattice.calibrate(kept[:4]),
                           **MelInversion.calibrate(kept), **PulseGrid.calibrate(kept))
        built = {d.name: d for d in suite.profile_detectors(profile)}
        for cls in registry.DETECTORS:
            if not cls.applies(modality) or not all(key in profile for key in cls.arrays):
                assert not any(key in profile for key in cls.arrays), f"{cls.name}: part of its arrays in {modality}"
                continue
            seen.add(cls.name)
            d = built[cls.name]
            assert d.calibration in CALIBRATIONS and d.method and d.tail["sorted"].size > 0
            scores = d.scores(batch)
            assert scores.shape == (batch.n_files,) and np.all(np.isfinite(scores))
            p = calibration.tail_probability(d.tail, scores)
            assert f"{p[0]:.2g}" in d.reason(batch, 0, float(scores[0]), float(p[0])) or cls.name == "grid"
        assert list(built) == [cls.name for cls in registry.DETECTORS if cls.name in built]  # registry order
    # each one exercised by some modality; near-zero and edge-width only in image cases made before
    # faint-background and stroke-ramp
    assert seen == {cls.name for cls in registry.DETECTORS} - {"near-zero", "edge-width"}
    assert [d.name for d in suite.profile_detectors(profiles["image"][0])] == [
        "features", "grid", "checkerboard", "faint-background", "faint-speck", "placement", "box-size", "stroke-ramp",
        "shoulder", "shoulder-placement", "edge-shoulder", "weak-traits", "clean-up"]
    assert [d.name for d in suite.profile_detectors(profiles["music"][0])] == [
        "grid", "chroma", "durations", "tonality", "copying", "replay", "familiarity", "slice-familiarity", "voice-leading", "meter", "meter-shift", "sounding"]


def test_an_image_case_made_before_faint_background_keeps_near_zero(profiles):
    profile = {k: v for k, v in profiles["image"][0].items() if k != "cal_faint_background"}
    profile.update(cal_near_zero=np.linspace(0, 0.01, 50), zero_share=np.array(0.8), near_zero_share=np.array(0.01))
    names = [d.name for d in suite.profile_detectors(profile)]
    assert "near-zero" in names and "faint-background" not in names


def test_a_profile_from_before_a_detector_lacks_it_and_one_with_part_of_its_arrays_is_refused(profiles):
    profile = dict(profiles["music"][0])
    for key in ("tonality_centre", "tonality_spread", "cal_tonality"):
        del profile[key]
    assert [d.name for d in suite.profile_detectors(profile)] == ["grid", "chroma", "durations", "copying", "replay", "familiarity",
                                                                  "slice-familiarity", "voice-leading", "meter", "meter-shift", "sounding"]
    del profile["cal_chroma"]  # its chroma_spec is still there
    with pytest.raises(ValueError, match="chroma.*cal_chroma"):
        suite.profile_detectors(profile)


def test_a_detector_fitting_arrays_it_does_not_declare_is_an_error_not_a_silent_absence(monkeypatch):
    class Misspelt(MeanIntensity):
        @classmethod
        def fit(cls, ref, groups, n_groups, cross_fitted):
            return {"cal_mean_intensty": np.zeros(n_groups)}

    monkeypatch.setattr(registry, "DETECTORS", registry.DETECTORS + (Misspelt,))
    with pytest.raises(RuntimeError, match="mean-intensity"):
        build_profile(load_spec("builtin:digits[0:50]"))


class MeanIntensity(Detector):
    """A test-only detector: a file's mean intensity, as the whole of a new detector's file."""
    name = "mean-intensity"
    modalities = ("image",)
    arrays = ("cal_mean_intensity",)

    @classmethod
    def fit(cls, ref, groups, n_groups, cross_fitted):
        assert len(ref.items) == ref.n == groups.size  # the reference's SampleSet fields read through
        return {"cal_mean_intensity": ref.file_mean(ref.x.mean(axis=(1, 2, 3)))}

    def __init__(self, profile):
        self.tail = calibration.tail_model(profile["cal_mean_intensity"])
        self.method = "mean intensity of the file's samples"

    def scores(self, batch):
        return batch.file_mean(batch.x.mean(axis=(1, 2, 3)))

    def reason(self, batch, g, score, p):
        return f"mean-intensity: {score:.3f}; tail probability {p:.2g}"


def test_a_new_detector_is_one_class_and_one_registry_line(monkeypatch, tmp_path):
    from pypdf import PdfReader

    from engine.data.writers import write_png
    from engine.report import write_report
    from engine.report.case_part import CasePart
    from engine.report.pdf import Document

    monkeypatch.setattr(registry, "DETECTORS", registry.DETECTORS + (MeanIntensity,))
    case_dir = str(tmp_path / "case")
    new_case(case_dir, "builtin:digits[0:100]", name="registry")
    with case_store.open_case(case_dir) as case:
        profile = case.profile()
    assert profile["cal_mean_intensity"].shape == (100,)
    assert [d.name for d in suite.profile_detectors(profile)][-1] == "mean-intensity"
    evidence = tmp_path / "e.png"
    write_png(str(evidence), load_spec("builtin:digits[1700:1701]").x[0, 0])
    verdict = judge(case_dir, [str(evidence)])
    assert "mean-intensity" in verdict["files"][0]["detectors"]
    out = tmp_path / "r.pdf"
    write_report(str(out), [case_dir], analyst="A. Analyst")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(out)).pages)
    assert "mean-intensity" in text and "mean intensity of the file's samples" in text
    with case_store.open_case(case_dir) as case:
        rows = CasePart(Document("t", "A. Analyst", "s"), case, "A. Analyst", 0.01, "today", False).method_rows()
    assert rows[-1][:2] == ["mean-intensity", "mean intensity of the file's samples"]
    assert rows[-1][-1] == "100 (every reference file)"

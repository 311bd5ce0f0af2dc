"""The detectors of the reference profile, in the order verdicts and reports list them.

Adding a detector: a class in its own file in engine/detectors/ (engine/detectors/detector.py
says what it has) and one line here. build_profile (engine/detectors/profile.py) fits every
detector that applies to the reference's modality into the case's profile, and
suite.profile_detectors builds every detector whose arrays the profile holds; the report's
methods table and each verdict's detector table list it from its `name`, `method` and
`calibration`. Detectors of registered training runs: learned.RUN_KINDS.
"""
from engine.detectors.box_size import BoxSize
from engine.detectors.checkerboard import Checkerboard
from engine.detectors.chroma import ChromaViolations
from engine.detectors.clean_up import CleanUp
from engine.detectors.copying import Copying
from engine.detectors.cycle_jitter import CycleJitter
from engine.detectors.durations import DurationDistance
from engine.detectors.edge_shoulder import EdgeShoulder
from engine.detectors.edge_width import EdgeWidth
from engine.detectors.faint_background import FaintBackground
from engine.detectors.faint_speck import FaintSpeck
from engine.detectors.familiarity import Familiarity, SliceFamiliarity
from engine.detectors.grid import OffGrid
from engine.detectors.lpc_lattice import LpcLattice
from engine.detectors.mel_inversion import MelInversion
from engine.detectors.meter import Meter
from engine.detectors.meter_shift import MeterShift
from engine.detectors.near_zero import NearZero
from engine.detectors.noise_floor import NoiseFloor
from engine.detectors.outlier import FeatureOutlier
from engine.detectors.placement import Placement
from engine.detectors.pulse_grid import PulseGrid
from engine.detectors.repeated_cycle import RepeatedCycle
from engine.detectors.replay import Replay
from engine.detectors.shoulder import Shoulder
from engine.detectors.shoulder_placement import ShoulderPlacement
from engine.detectors.sounding import Sounding
from engine.detectors.stroke_ramp import StrokeRamp
from engine.detectors.synthetic_voice import SyntheticVoice
from engine.detectors.tonality import Tonality
from engine.detectors.voice_leading import VoiceLeading
from engine.detectors.weak_traits import WeakTraits

DETECTORS = (
    FeatureOutlier,
    OffGrid,
    Checkerboard,
    NearZero,
    NoiseFloor,
    CycleJitter,
    RepeatedCycle,
    PulseGrid,
    LpcLattice,
    MelInversion,
    SyntheticVoice,
    FaintBackground,
    FaintSpeck,
    Placement,
    BoxSize,
    ChromaViolations,
    DurationDistance,
    Tonality,
    EdgeWidth,
    StrokeRamp,
    Shoulder,
    ShoulderPlacement,
    EdgeShoulder,
    WeakTraits,
    CleanUp,
    Copying,
    Replay,
    Familiarity,
    SliceFamiliarity,
    VoiceLeading,
    Meter,
    MeterShift,
    Sounding,
)

"""A detector's scores and tail probabilities on a batch, as the verdict computes them: shared by
the detectors' tests."""
import numpy as np

from engine.detectors import calibration, suite


def fitted_on_digits(kind, reference, evidence):
    """(detector, its profile arrays, evidence samples) of a reference-only detector class `kind` fitted on the
    MNIST digits of spec `reference`, as a case's profile fits it; `evidence`: a spec of other digits."""
    from engine.data.specs import load_spec
    from engine.detectors.batch import Reference
    from engine.detectors.profile import cross_fitted, item_groups

    ref = load_spec(reference)
    groups, n = item_groups(ref.items, ref.n)
    arrays = kind.fit(Reference(ref, groups), groups, n, cross_fitted)
    return kind(arrays), arrays, load_spec(evidence).x


def judged(detector, x, groups=None):
    """(batch, scores, tail probabilities) of `x`, each sample its own file unless `groups` says."""
    batch = suite.Batch(x, np.arange(len(x)) if groups is None else groups)
    scores = detector.scores(batch)
    return batch, scores, calibration.tail_probability(detector.tail, scores)


def combined_image_verdicts(judging, x, alpha=0.01):
    """Each image of `x` judged by the detectors `judging` (one channel's) as a verdict combines them: the combined
    tail probability, a grid or a standing-aside detector at weight 0."""
    from engine.detectors.channels import StandAside

    batch = suite.Batch(x, np.arange(len(x)))
    p = np.stack([calibration.tail_probability(d.tail, d.scores(batch)) for d in judging], axis=1)
    weights = suite.weights(judging, alpha, [d.name != "grid" and not isinstance(d, StandAside) for d in judging])
    return np.array([calibration.combine(row, weights)[0] for row in p])


def through_jpeg(quality=75, reference="builtin:mnist[0:300]", evidence="builtin:mnist[9000:9040]"):
    """(the clean detectors by name, the detectors judging under JPEG `quality` by name, the evidence through it) of
    a case's profile on MNIST digits `reference`: what a detector recalibrated under a channel is tested on."""
    from engine.data.specs import load_spec
    from engine.detectors.channel_keys import channel_key
    from engine.detectors.channels import channel_detectors
    from engine.detectors.profile import build_profile
    from tests import synthetic_images

    profile = build_profile(load_spec(reference))
    detectors = suite.profile_detectors(profile)
    x, channel = synthetic_images.through_pil(load_spec(evidence).x, "JPEG", quality)
    judging = channel_detectors(detectors, profile, channel_key({"channel": channel}))[0]
    return {d.name: d for d in detectors}, {d.name: d for d in judging}, x


def recalibrated_through_jpeg(name):
    """(the clean detector `name`, the one judging under JPEG 75, the tail probabilities it gives real digits through
    that JPEG) of a case's profile on MNIST digits; the channelled one must speak (not stand aside)."""
    from engine.detectors.channels import StandAside

    clean, judging, x = through_jpeg()
    channelled = judging[name]
    assert not isinstance(channelled, StandAside)
    return clean[name], channelled, judged(channelled, x)[2]

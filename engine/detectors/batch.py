"""The samples a detector reads: the files under examination (`Batch`), or the reference being
profiled (`Reference`); features computed once, on demand."""
from engine.detectors import calibration, statistical


class Batch:
    """The samples of the files under examination; features computed once, on demand."""

    def __init__(self, x, groups, features=None):
        self.x, self.groups = x, groups
        self.n_files = int(groups.max()) + 1 if groups.size else 0
        self._features, self._texture = features, {}

    @property
    def features(self):
        if self._features is None:
            self._features = statistical.feature_matrix(self.x)[0]
        return self._features

    def texture(self, version):
        if version not in self._texture:
            self._texture[version] = statistical.texture_features(self.x, version)
        return self._texture[version]

    def file_mean(self, per_sample):
        return calibration.group_mean(per_sample, self.groups)

    def file_features(self, g):
        return self.features[self.groups == g]


class Reference(Batch):
    """The reference a profile is built from (engine/detectors/profile.py): its samples (speech
    at one loudness) as a Batch, with the SampleSet's modality and grid (`levels`, 0 when
    continuous) and, read through, the SampleSet's other fields (`items`, `meta`, `shape`, ...)."""

    def __init__(self, samples, groups, features=None):
        super().__init__(samples.x, groups, features)
        self.samples = samples
        self.modality, self.levels = samples.modality, int(samples.levels or 0)

    def __getattr__(self, attr):  # only for what the Batch does not have
        if attr == "samples":
            raise AttributeError(attr)
        return getattr(self.samples, attr)

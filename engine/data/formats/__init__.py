"""One decoder per file format: `decode(path, data, kind) -> SampleSet` for one file's bytes."""

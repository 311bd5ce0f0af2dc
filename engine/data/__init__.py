"""Evidence and datasets: loaders per format, dataset specs, built-ins, baselines.

- specs.load_spec(spec, name=None, reference=None) -> SampleSet: the entry point for SPECs.
- loaders.load_path(path) / load_folder(folder, select): one file / a folder of files.
- walk.evidence_files(paths): the files under named folders (iterative, depth-limited) and the
  entries left out with their reasons.
- sniff: the format from magic bytes; formats/: one decoder per format.
- representations: mel-spectrogram and piano-roll patches (parameters documented there).
- builtins, baselines: builtin:NAME and baseline:KIND. limits: input limits in one place.
- hashing.sha256_file, writers.write_png / write_midi / write_wav.
"""

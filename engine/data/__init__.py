"""Evidence and datasets: loaders per format, dataset specs, built-ins, baselines."""

"""Detectors: each turns samples into one score per sample (higher = less like the
reference) and explains it; `calibration` turns scores into tail probabilities."""

"""The forensic engine: data, analysis, verdicts, cases and reports. Qt-free except jobs.py."""

__version__ = "0.1.0"

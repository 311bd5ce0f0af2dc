"""The learning lab: models, losses, trainers, FGSM, rounds. Arrays in, arrays out; no Qt, no files formats, no case."""


def tool_version():
    """The installed package version (recorded in run files and checkpoints)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ganforensics")
    except PackageNotFoundError:
        return "0.1.0+source"

"""Channel-key parts that set mel-map detectors aside for a recording (engine/detectors/far_field.py, noisy_pauses.py,
engine/detectors/low_rumble.py): a part (NAME, value) appended last to the file's channel key. The channel's
calibration is that of the key without it, so a part costs nothing to compute or store; each reading module names
its DETECTORS, a NOTE and a `reason(key)` for the verdict. A low rumble (engine/detectors/low_rumble.py) sets `features`
aside and has synthetic-voice judge through a high-pass, calibrated apart under the whole key."""
MEL_MAP_DETECTORS = ("features", "checkerboard")  # the detectors that read the mel map's cells
PLAIN = ("audio", None, None, None, None)  # a recording with nothing else read about its channel


def append(key, part):
    """Channel key `key` (None: nothing read) with `part` appended."""
    return (key if key is not None else PLAIN) + (part,)


def last(key):
    """The NAME of the key's last part when it is a mark, else None."""
    return key[-1][0] if key is not None and isinstance(key[-1], tuple) and key[-1] else None


def unmarked(key):
    """The channel key without its last part; None where nothing else was read."""
    inner = key[:-1]
    return None if inner == PLAIN else inner

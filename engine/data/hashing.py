"""SHA-256 of evidence files (DESIGN.md: hash on intake, verify before reporting)."""
import hashlib
import os

CHUNK = 1 << 20


def sha256_file(path):
    """Hex SHA-256 of a file, streamed in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_record(path, data):
    """The SampleSet.files entry of a file whose bytes were read once to be both hashed and decoded."""
    return {"path": os.path.abspath(path), "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

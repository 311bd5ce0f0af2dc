"""SHA-256 of evidence files (DESIGN.md: hash on intake, verify before reporting)."""
import hashlib
import os

CHUNK = 1 << 20


def sha256_file(path):
    """Hex SHA-256 of a regular file, streamed in 1 MiB chunks. Anything else (a FIFO would block
    forever, /dev/zero never end) is an InputError, checked on the descriptor opened without
    blocking."""
    import stat

    from engine.errors import InputError

    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(path, "not a regular file")
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_record(path, data):
    """The SampleSet.files entry of a file whose bytes were read once to be both hashed and decoded."""
    return {"path": os.path.abspath(path), "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

"""Mutation fuzzing of every evidence loader: valid seed files of each format, mutated (bit flips,
random bytes, inserted and deleted runs, truncation, header integers set to extremes, chunks
spliced from another seed), each loaded by engine.data.loaders.load_path in a worker process.

Every case must either load or raise InputError (one line naming the file), within
CASE_SECONDS, and the worker's peak memory must stay under PEAK_MIB. FUZZ_CASES sets the
cases per format (default 10,000; the issue's bar); FUZZ_FORMATS picks formats (comma list).

    .venv/bin/python -m pytest tests/benchmarks/test_fuzz_loaders.py -s -o addopts=""
    FUZZ_CASES=500 .venv/bin/python -m pytest tests/benchmarks/test_fuzz_loaders.py -s -o addopts=""
"""
import io
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

CASES = int(os.environ.get("FUZZ_CASES", "10000"))
CASE_SECONDS = 10
PEAK_MIB = 1024


def seeds():
    """name -> bytes of one small valid file per format."""
    import gzip

    import soundfile
    from PIL import Image

    rng = np.random.default_rng(0)
    grey = (rng.random((16, 16)) * 255).astype(np.uint8)
    out = {}
    for name, fmt, kwargs in (("png", "PNG", {}), ("jpg", "JPEG", {}), ("bmp", "BMP", {}),
                              ("tif", "TIFF", {"compression": "tiff_lzw"})):
        buffer = io.BytesIO()
        Image.fromarray(grey).save(buffer, format=fmt, **kwargs)
        out[name] = buffer.getvalue()
    buffer = io.BytesIO()
    np.save(buffer, grey[None])
    out["npy"] = buffer.getvalue()
    buffer = io.BytesIO()
    np.savez_compressed(buffer, x=grey[None], labels=np.array([3]))
    out["npz"] = buffer.getvalue()
    idx = b"\0\0\x08\x03" + np.array([2, 16, 16], ">u4").tobytes() + np.stack([grey, grey]).tobytes()
    out["gz"] = gzip.compress(idx)
    out["bin"] = bytes([3]) + rng.integers(0, 256, 3072, dtype=np.uint8).tobytes()
    tone = 0.3 * np.sin(np.arange(4000) / 8000 * 2 * np.pi * 440).astype(np.float32)
    for name, fmt in (("wav", "WAV"), ("flac", "FLAC"), ("ogg", "OGG")):
        buffer = io.BytesIO()
        soundfile.write(buffer, tone, 8000, format=fmt)
        out[name] = buffer.getvalue()
    with open("resources/bach/bwv10.7.mid", "rb") as fh:
        out["mid"] = fh.read()
    return out


WORKER = textwrap.dedent('''
    import json, os, random, resource, signal, sys, time
    from engine.data.loaders import load_path
    from engine.errors import InputError

    name, cases, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seed = open(os.path.join(folder, "seed." + name), "rb").read()
    donors = [open(os.path.join(folder, f), "rb").read() for f in sorted(os.listdir(folder)) if f.startswith("seed.")]
    EXTREMES = [b"\\xff\\xff\\xff\\xff", b"\\x7f\\xff\\xff\\xff", b"\\x00\\x00\\x00\\x00", b"\\x80\\x00\\x00\\x00"]

    def mutate(rng, data):
        data = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            data = data or bytearray(1)
            at = rng.randrange(len(data))
            kind = rng.randrange(7)
            if kind == 0:
                data[at] ^= 1 << rng.randrange(8)
            elif kind == 1:
                data[at:at + 1] = bytes([rng.randrange(256)])
            elif kind == 2:
                data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
            elif kind == 3:
                del data[at:at + rng.randint(1, 256)]
            elif kind == 4:
                data = data[:at]
            elif kind == 5:
                data[at:at + 4] = rng.choice(EXTREMES)
            else:
                donor = rng.choice(donors)
                start = rng.randrange(max(len(donor), 1))
                data[at:at + 64] = donor[start:start + 64]
        return bytes(data) or b"\\0"

    def too_slow(*args):
        raise TimeoutError
    signal.signal(signal.SIGALRM, too_slow)
    rng = random.Random(name)
    path = os.path.join(folder, "case." + name)
    worst, failures, counts = 0.0, [], {"loaded": 0, "refused": 0}
    for case in range(cases):
        with open(path, "wb") as fh:
            fh.write(mutate(rng, seed))
        start = time.perf_counter()
        signal.alarm(%d)
        try:
            load_path(path)
            counts["loaded"] += 1
        except InputError as err:
            counts["refused"] += 1
            if "\\n" in str(err):
                failures.append([case, "multi-line error: " + repr(str(err))[:200]])
        except BaseException as err:
            failures.append([case, type(err).__name__ + ": " + str(err)[:200]])
        finally:
            signal.alarm(0)
        worst = max(worst, time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"worst_seconds": worst, "peak_mib": peak, "failures": failures[:20], **counts}))
''' % CASE_SECONDS)


@pytest.fixture(scope="module")
def seed_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    for name, data in seeds().items():
        (folder / f"seed.{name}").write_bytes(data)
    return folder


FORMATS = os.environ.get("FUZZ_FORMATS", "png,jpg,bmp,tif,npy,npz,gz,bin,wav,flac,ogg,mid").split(",")


@pytest.mark.slow
@pytest.mark.parametrize("name", FORMATS)
def test_mutated_files_load_or_are_refused_in_one_line_in_bounded_time_and_memory(name, seed_folder):
    done = subprocess.run([sys.executable, "-c", WORKER, name, str(CASES), str(seed_folder)], capture_output=True,
                          text=True, timeout=CASES * CASE_SECONDS + 120, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\n{name}: {CASES} cases, {report['loaded']} loaded, {report['refused']} refused, "
          f"slowest {report['worst_seconds']:.2f} s, peak {report['peak_mib']:.0f} MiB")
    assert not report["failures"], report["failures"]
    assert report["worst_seconds"] < CASE_SECONDS and report["peak_mib"] < PEAK_MIB

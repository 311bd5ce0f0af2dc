"""Hostile inputs as a checker sends them: builds a corpus of broken, odd and absurd files and runs each through
`main.py verdict` alone (in a fresh copy of a case of its modality), then each group as one batch.

    python tests/benchmarks/hostile_cli_sweep.py OUT_DIR [GROUP ...]
    python tests/benchmarks/hostile_cli_sweep.py OUT_DIR --damaged N   (after a sweep built OUT_DIR/corpus)

Prints one tab-separated row per file (group/name, exit code, traceback, label, first line naming the file) and one
per batch (files given, judged, rejected). With --damaged, each good file's N damaged copies (tests/hostile_files.py
damaged_copies) go through load_path in this process: the reasons given are counted, and anything but a one-line
InputError or a finite map is printed as a finding. Cases: builtin:mnist[0:300], builtin:fsdd[0:60], builtin:bach[0:40].
docs/studies.md, "Hostile inputs as a checker sends them" (forty-eighth pass).
"""
import gzip
import io
import json
import os
import pathlib
import shutil
import struct
import subprocess
import sys
import zlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
CASES = {"image": "builtin:mnist[0:300]", "audio": "builtin:fsdd[0:60]", "midi": "builtin:bach[0:40]"}
GROUP_CASE = {"image": "image", "audio": "audio", "midi": "midi", "array": "image", "misc": "image", "dirs": "image"}


def cut(data, fraction=0.5):
    return data[: max(1, int(len(data) * fraction))]


def flipped(data, every=37):
    """Every 37th byte from a quarter in XORed with 0x5A: damage past the header."""
    out = bytearray(data)
    for k in range(len(out) // 4, len(out), every):
        out[k] ^= 0x5A
    return bytes(out)


def damaged(folder, name, data):
    """name's good, cut (half; header only) and bit-flipped copies."""
    ext = name.split(".", 1)[1]
    for label, body in (("good", data), ("trunc", cut(data)), ("trunc_header", data[:12]), ("flip", flipped(data))):
        (folder / f"{label}.{ext}").write_bytes(body)


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def mnist_digits(n):
    with gzip.open(RESOURCES / "mnist" / "t10k-images-idx3-ubyte.gz") as fh:
        return np.frombuffer(fh.read()[16:16 + 784 * n], np.uint8).reshape(-1, 28, 28)


def images(folder):
    from PIL import Image

    digits = mnist_digits(3)
    digit = Image.fromarray(digits[0])
    for ext, fmt in {"png": "PNG", "jpg": "JPEG", "webp": "WEBP", "gif": "GIF", "bmp": "BMP", "tif": "TIFF"}.items():
        buffer = io.BytesIO()
        digit.save(buffer, fmt)
        damaged(folder, f"x.{ext}", buffer.getvalue())
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 50_000, 50_000, 8, 0, 0, 0, 0))
    body = png_chunk(b"IDAT", zlib.compress(b"\0" * 8)) + png_chunk(b"IEND", b"")
    (folder / "huge_header.png").write_bytes(b"\x89PNG\r\n\x1a\n" + header + body)
    Image.fromarray(digits[0].astype(np.uint16) * 257).save(folder / "grey16.png")
    digit.convert("P").save(folder / "palette_trns.png", transparency=0)
    digit.convert("CMYK").save(folder / "cmyk.jpg")
    frames = [Image.fromarray(d) for d in digits]
    frames[0].save(folder / "animated.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
    frames[0].save(folder / "multipage.tif", save_all=True, append_images=frames[1:])
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees
    digit.save(folder / "exif_rot6.jpg", exif=exif.tobytes())
    Image.new("L", (1, 1), 200).save(folder / "one_by_one.png")
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (1, 100_000), dtype=np.uint8)).save(
        folder / "one_by_100000.png")
    Image.new("F", (28, 28), float("nan")).save(folder / "float_nan.tif")


def recordings(folder):
    import soundfile

    source = RESOURCES / "fsdd" / "0_george_0.wav"
    take, rate = soundfile.read(source, dtype="float32")
    damaged(folder, "x.wav", source.read_bytes())
    soundfile.write(folder / "zero_frames.wav", np.zeros(0, np.float32), rate, subtype="PCM_16")
    soundfile.write(folder / "eight_channels.wav", np.stack([take] * 8, -1), rate, subtype="PCM_16")
    soundfile.write(folder / "pcm24.wav", take, rate, subtype="PCM_24")
    nan = np.where(np.arange(take.size) % 100 == 0, np.nan, take).astype(np.float32)
    soundfile.write(folder / "float_nan.wav", nan, rate, subtype="FLOAT")
    soundfile.write(folder / "float_1e30.wav", take * 1e30, rate, subtype="FLOAT")
    for name, new_rate in (("rate_1hz.wav", 1), ("rate_10mhz.wav", 10_000_000)):
        data = bytearray(source.read_bytes())
        data[24:32] = struct.pack("<II", new_rate, new_rate * 2)
        (folder / name).write_bytes(bytes(data))
    pcm16 = (take * 32768).astype("<i2").tobytes()
    for name, bits, block in (("bits12_in2.wav", 12, 2), ("bits20_in3.wav", 20, 3), ("bits40_in5.wav", 40, 5)):
        body = b"".join(b"\0" * (block - 2) + pcm16[k:k + 2] for k in range(0, len(pcm16), 2))  # low bytes zero
        fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * block, block, bits)
        (folder / name).write_bytes(b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVE" + b"fmt " + b"\x10\0\0\0"
                                    + fmt + b"data" + struct.pack("<I", len(body)) + body)
    for ext, codec in (("flac", []), ("ogg", ["-c:a", "libvorbis"]), ("mp3", [])):
        out = folder / f"encoded.{ext}"
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), *codec, str(out)], check=True)
        damaged(folder, f"x.{ext}", out.read_bytes())
        out.unlink()


def smf(division, tracks, fmt=1):
    return b"MThd" + struct.pack(">IHHH", 6, fmt, len(tracks), division) + b"".join(
        b"MTrk" + struct.pack(">I", len(t)) + t for t in tracks)


def midi_files(folder):
    source = (RESOURCES / "bach" / "bwv1.6.mid").read_bytes()
    damaged(folder, "x.mid", source)
    notes = b"".join(b"\x00\x90" + bytes([60 + k, 80]) + b"\x60\x80" + bytes([60 + k, 0]) for k in range(8))
    end = b"\x00\xff\x2f\x00"
    for name, division in (("ticks0.mid", 0), ("ticks65535.mid", 0xFFFF)):
        (folder / name).write_bytes(source[:12] + struct.pack(">H", division) + source[14:])
    (folder / "huge_delta.mid").write_bytes(smf(96, [notes + b"\xff\xff\xff\x7f\x90\x40\x50" + end]))
    (folder / "no_tracks.mid").write_bytes(smf(96, []))
    (folder / "empty_track.mid").write_bytes(smf(96, [b""]))
    (folder / "format7.mid").write_bytes(smf(96, [notes + end], fmt=7))
    (folder / "tracks10000.mid").write_bytes(smf(96, [notes + end] * 10_000))
    (folder / "running_status_first.mid").write_bytes(smf(96, [b"\x00\x40\x50\x60\x40\x00" + end]))
    unended = b"".join(b"\x00\x90" + bytes([60 + k, 80]) for k in range(8))
    (folder / "notes_never_end.mid").write_bytes(smf(96, [unended + b"\x83\x00\xff\x2f\x00"]))


def arrays(folder):
    np.save(folder / "object.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    np.savez(folder / "object.npz", x=np.array([{"a": 1}], dtype=object))
    np.save(folder / "nan.npy", np.full((5, 28, 28), np.nan, np.float32))
    np.save(folder / "inf.npy", np.full((5, 28, 28), np.inf, np.float32))
    np.save(folder / "shape_5d.npy", np.zeros((2, 2, 2, 2, 2), np.float32))
    np.save(folder / "shape_empty.npy", np.zeros((0, 28, 28), np.float32))
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": (10**12, 28, 28)})
    (folder / "huge_shape.npy").write_bytes(header.getvalue())
    code = b"{'descr': __import__('os').getcwd(), 'fortran_order': False, 'shape': (1,)}".ljust(127) + b"\n"
    (folder / "code_header.npy").write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(code)) + code)


def idx_and_cifar(folder):
    images_ = mnist_digits(20).tobytes()
    header = lambda magic, count: magic + struct.pack(">III", count, 28, 28)  # noqa: E731
    (folder / "good.idx").write_bytes(header(b"\0\0\x08\x03", 20) + images_)
    (folder / "wrong_magic.idx").write_bytes(header(b"\0\x01\x08\x03", 20) + images_)
    (folder / "dims9.idx").write_bytes(header(b"\0\0\x08\x09", 20) + images_)
    (folder / "count_60000.idx").write_bytes(header(b"\0\0\x08\x03", 60_000) + images_)
    record = bytes([3]) + bytes(range(256)) * 12
    (folder / "cifar_trunc.bin").write_bytes(record * 4 + record[:1000])


def folders(folder):
    from PIL import Image

    good = folder / "good.png"
    Image.fromarray(mnist_digits(1)[0]).save(good)
    for name in ("empty", "loop", "nonutf8", "unreadable"):
        (folder / name).mkdir()
    (folder / "loop" / "self").symlink_to("../loop")
    shutil.copy(good, folder / "loop")
    shutil.copy(good, os.path.join(os.fsencode(folder / "nonutf8"), b"bad\xff\xfe.png"))
    shutil.copy(good, folder / "unreadable" / "locked.png")
    os.chmod(folder / "unreadable" / "locked.png", 0)  # stays readable to root
    good.unlink()


BUILDERS = {"image": images, "audio": recordings, "midi": midi_files, "array": arrays, "misc": idx_and_cifar,
            "dirs": folders}


def verdict(paths, case, out):
    """(exit code, output, JSON) of one verdict in a fresh copy of `case`."""
    copy = out / "case-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(case, copy)
    report = out / "verdict.json"
    report.unlink(missing_ok=True)
    run = subprocess.run([os.fsencode(sys.executable), b"main.py", b"verdict", *paths, b"--case", os.fsencode(copy),
                          b"--json", os.fsencode(report)],
                         cwd=ROOT, capture_output=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
    text = (run.stdout + run.stderr).decode("utf-8", "replace")
    return run.returncode, text, json.loads(report.read_text()) if report.exists() else None


def main(out, groups):
    out = pathlib.Path(out)
    corpus = out / "corpus"
    for group in groups:
        shutil.rmtree(corpus / group, ignore_errors=True)
        (corpus / group).mkdir(parents=True)
        BUILDERS[group](corpus / group)
    for modality, spec in CASES.items():
        if not (out / f"case-{modality}").exists():
            subprocess.run([sys.executable, "main.py", "case", "new", str(out / f"case-{modality}"),
                            "--reference", spec], cwd=ROOT, check=True, capture_output=True)
    for group in groups:
        case = out / f"case-{GROUP_CASE[group]}"
        folder = os.fsencode(corpus / group)
        paths = [os.path.join(folder, name) for name in sorted(os.listdir(folder))]
        for path in paths:
            code, text, report = verdict([path], case, out)
            label = report["files"][0]["label"] if report and report["files"] else "-"
            named = next((line for line in text.splitlines() if os.fsdecode(os.path.basename(path)) in line
                          or line.startswith("error")), "")
            print(f"{group}/{os.fsdecode(os.path.basename(path))}\t{code}\t{'Traceback' in text}\t{label}\t{named}",
                  flush=True)
        code, text, report = verdict(paths, case, out)
        judged, rejected = (len(report["files"]), len(report["batch"]["rejected"])) if report else (0, 0)
        print(f"batch {group}\t{code}\t{'Traceback' in text}\tgiven {len(paths)}, judged {judged}, rejected {rejected}",
              flush=True)


def damaged_sweep(out, n):
    import re
    import warnings

    sys.path.insert(0, str(ROOT))
    from engine.data import native_stderr
    from engine.data.loaders import load_path
    from engine.errors import InputError
    from tests.hostile_files import damaged_copies

    warnings.simplefilter("ignore")
    for source in sorted((pathlib.Path(out) / "corpus").glob("*/good.*")):
        reasons = {}
        for k, data in enumerate(damaged_copies(source.read_bytes(), n)):
            path = pathlib.Path(out) / f"damaged{source.suffix}"
            path.write_bytes(data)
            try:
                with native_stderr.silenced():
                    reason = "read" if np.isfinite(load_path(str(path)).x).all() else "FINDING: a map not finite"
            except InputError as err:
                reason = re.sub(r"\d+", "N", err.reason)
            except Exception as err:  # noqa: BLE001 (the finding this sweep looks for)
                reason = f"FINDING: {type(err).__name__}: {err}"
            reasons[reason] = reasons.get(reason, 0) + 1
        for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
            print(f"{source.parent.name}/{source.name}\t{count}\t{reason}", flush=True)


if __name__ == "__main__":
    if sys.argv[2:3] == ["--damaged"]:
        damaged_sweep(sys.argv[1], int(sys.argv[3]))
    else:
        main(sys.argv[1], sys.argv[2:] or list(BUILDERS))

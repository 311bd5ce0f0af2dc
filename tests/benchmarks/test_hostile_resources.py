"""The hostile files of issue #12 at full size, through the command line: each must be refused
in one line naming the file, exit 2, in under 10 s and 1 GB (wall time and the child's own
peak memory, torch-free start-up included). Before the limits: the 10 M-event MIDI took 110 s
and 2.6 GB, the 200 k-frame TIFF > 300 s, the .npz of 342 k zero images 7.5 GB, the 4-channel
FLAC 4.4 GB, the 1 x 50 Mpx PNG 4.6 GB.

    .venv/bin/python -m pytest tests/benchmarks/test_hostile_resources.py -s -o addopts=""
"""
import pytest

import hostile_files
from measure import run_measured

FULL_SIZE = {
    "10 M-event MIDI": hostile_files.midi_many_events,
    "200 k-frame TIFF": hostile_files.tiff_chained_frames,
    "cyclic TIFF": hostile_files.tiff_cyclic_frames,
    "npz of 342 k zero images": hostile_files.npz_many_zero_images,
    "npy of 10^12 values": hostile_files.npy_huge_shape,
    "4-channel 600 s FLAC at 384 kHz": hostile_files.flac_many_channels,
    "1 x 50 Mpx PNG": hostile_files.png_thin,
    "scrambled LZW TIFF": hostile_files.tiff_corrupt_lzw,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", FULL_SIZE)
def test_full_size_hostile_file_is_refused_fast_and_small(name, tmp_path):
    path = FULL_SIZE[name](tmp_path)
    code, seconds, peak, out, err = run_measured(["analyze", "--reference", path, "--compare", f"x={path}"],
                                                 timeout=60)
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    print(f"\n{name} ({path.stat().st_size:,} bytes): exit {code}, {seconds:.1f} s, peak {peak:.0f} MiB: "
          f"{errors[0] if errors else err[-300:]}")
    assert code == 2 and len(errors) == 1 and errors[0].startswith(f"error: {path}: ")
    assert seconds < 10 and peak < 1024

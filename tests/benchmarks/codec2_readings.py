"""Can a decoded codec2 stream be recognised from its samples? Three readings of each file of a channel folder, printed
as one row per channel (docs/studies.md, "codec2 read from the samples").
Not part of the product: it drives libcodec2 through ctypes (FFmpeg's libcodec2 is installed on the lab machine).

- exact: the share of the file's samples that libcodec2's encoder and decoder at one mode give back within 2 16-bit
  steps, best over the encoder's start (every 8th sample of a frame) and the lag (the cross-correlation's peak within
  60 ms): a decoded stream requantised to its own indices would come back whole, as a G.726 stream does;
- envelope: the median distance (dB, 13 cepstral coefficients of 20 ms frames) between the file and its re-decoded
  copy, least over the modes and lags of 5 ms: a decoded stream's envelope is already an order-10 LPC envelope;
  read twice, with the decoder's LPC postfilter (formant emphasis and bass boost) as it decodes, and switched off
  (codec2_set_lpc_post_filter): the postfilter sharpens the envelope on every pass, so a decoded stream is no fixed
  point of the codec as decoded, but nearer one of the encoder and a decoder without it;
- grid: the t statistic of log(energy at the 10 ms synthesis blocks' joins / energy at their middles), largest over
  the 80 phases of the grid: the decoder cross-fades one frame into the next with a triangle over each 10 ms block,
  so where consecutive frames' phases disagree (unvoiced frames' random ones) a block's middle loses energy.

    python tests/benchmarks/codec2_readings.py ROOT CHANNEL [CHANNEL ...]   # ROOT/CHANNEL/*.wav|.mp3|.ogg
"""
import ctypes
import glob
import os
import sys

import numpy as np
import soundfile
from scipy import signal

RATE = 8000
MODES = {"3200": 0, "2400": 1, "1600": 2, "1300": 4, "700C": 8}
BLOCK = 80  # the decoder's synthesis block, 10 ms
LIB = ctypes.CDLL("libcodec2.so.1.0")
LIB.codec2_create.restype = ctypes.c_void_p
LIB.codec2_create.argtypes = [ctypes.c_int]
LIB.codec2_destroy.argtypes = [ctypes.c_void_p]
LIB.codec2_samples_per_frame.argtypes = [ctypes.c_void_p]
LIB.codec2_bits_per_frame.argtypes = [ctypes.c_void_p]
LIB.codec2_encode.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
LIB.codec2_decode.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p]
LIB.codec2_set_lpc_post_filter.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_float, ctypes.c_float]


def round_trip(v, mode, postfilter=True):
    """16-bit samples `v` through libcodec2's encoder and decoder at `mode`, fresh states (whole frames only); the
    decoder's LPC postfilter off where not `postfilter`."""
    encoder, decoder = LIB.codec2_create(MODES[mode]), LIB.codec2_create(MODES[mode])
    if not postfilter:
        LIB.codec2_set_lpc_post_filter(decoder, 0, 0, 0.0, 0.0)
    n = LIB.codec2_samples_per_frame(encoder)
    bits = ctypes.create_string_buffer((LIB.codec2_bits_per_frame(encoder) + 7) // 8)
    x = np.ascontiguousarray(v[:v.size // n * n], dtype=np.int16)
    out = np.zeros_like(x)
    for k in range(0, x.size, n):
        LIB.codec2_encode(encoder, bits, x[k:].ctypes.data)
        LIB.codec2_decode(decoder, out[k:].ctypes.data, bits)
    LIB.codec2_destroy(encoder)
    LIB.codec2_destroy(decoder)
    return out, n


def exact(v, mode):
    best = 0.0
    for start in range(0, 2 * BLOCK, 8):
        out, _ = round_trip(np.concatenate([np.zeros(start, np.int16), v]), mode)
        out = out[start:].astype(np.int64)
        c = signal.correlate(out, v[:out.size].astype(np.int64), mode="full", method="fft")[v[:out.size].size - 1:]
        lag = int(np.argmax(c[:480]))
        m = min(v.size, out.size - lag)
        best = max(best, float(np.mean(np.abs(out[lag:lag + m] - v[:m]) <= 2)))
    return best


def cepstra(x, n=160, hop=40):
    frames = np.lib.stride_tricks.sliding_window_view(x.astype(np.float64), n)[::hop] * np.hanning(n)
    power = np.abs(np.fft.rfft(frames, 512, axis=1)) ** 2 + 1e-1
    return np.fft.irfft(np.log(power), axis=1)[:, 1:14], 10 * np.log10(power.sum(axis=1))


def envelope(v, postfilter):
    cx, level = cepstra(v)
    loud = level > level.max() - 30
    best = np.inf
    for mode in MODES:
        cy, _ = cepstra(round_trip(v, mode, postfilter)[0])
        for lag in range(12):
            m = min(cx.shape[0], cy.shape[0] - lag)
            d = np.sqrt(np.sum((cx[:m][loud[:m]] - cy[lag:lag + m][loud[:m]]) ** 2, axis=1)) * 4.34 * np.sqrt(2)
            best = min(best, float(np.median(d)))
    return best


def grid(v):
    x = v.astype(np.float64)
    c = np.concatenate([[0.0], np.cumsum(x ** 2)])
    blocks, quarter, best = (x.size - 2 * BLOCK) // BLOCK, BLOCK // 8, -np.inf
    for phase in range(BLOCK):
        joins = phase + BLOCK * np.arange(1, blocks)
        edge = c[joins + quarter] - c[joins - quarter]
        middle = c[joins + BLOCK // 2 + quarter] - c[joins + BLOCK // 2 - quarter]
        loud = edge + middle > (edge + middle).max() * 1e-3
        d = np.log((edge[loud] + 1e-9) / (middle[loud] + 1e-9))
        best = max(best, float(d.mean() / (d.std() + 1e-9) * np.sqrt(d.size)))
    return best


def samples(path):
    """The file at 8 kHz as 16-bit integers (mono)."""
    audio, rate = soundfile.read(path, dtype="float64", always_2d=True)
    mono = audio.mean(axis=1)
    mono = signal.resample_poly(mono, RATE, rate) if rate != RATE else mono
    return np.clip(np.rint(mono * 32768), -32768, 32767).astype(np.int16)


def spread(values):
    values = np.sort(values)
    return f"{values[0]:.2f} / {np.median(values):.2f} / {values[-1]:.2f}"


def main():
    root, channels = sys.argv[1], sys.argv[2:]
    print("channel\tn\texact 3200 (least / median / most)\texact 1300\tenvelope dB\tenvelope dB, no postfilter\t"
          "grid t")
    for channel in channels:
        paths = sorted(glob.glob(os.path.join(root, channel, "*.*")))
        paths = [p for p in paths if not p.endswith(".json")]
        rows = np.array([(exact(v, "3200"), exact(v, "1300"), envelope(v, True), envelope(v, False), grid(v))
                         for v in map(samples, paths)])
        print(f"{channel}\t{len(paths)}\t" + "\t".join(spread(rows[:, k]) for k in range(5)), flush=True)


if __name__ == "__main__":
    main()

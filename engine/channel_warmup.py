"""The channel calibrations a chunk of a batch needs, computed side by side in worker processes before it is judged.

Why: a recording that brings a channel of its own (a noise floor, a codec at its bitrate) costs one to three
calibrations of every detector on the reference passed through that channel (on the builtin:fsdd case's 400
recordings 6-20 s each on one core), and the batch computes them one after another: outside recordings, most of
them carrying a floor of their own, took 13-22 s a file. Workers (spawned, as engine/jobs/child.py spawns: the
window's process holds Qt and threads) each open the case and build their share of the channels as the batch would
(engine/verdict.py `build_channels`), which stores its calibrations in the case (engine/detectors/channel_store.py,
safe for writers at once); the batch then reads them there. So the warm-up changes no number, only when it is
computed: a worker that fails is ignored, and the batch computes that channel itself and reports what goes wrong as it
always did. The workers run in sessions of their own (scheduled as other sessions are, engine/jobs/child.py) and are
stopped when the batch is cancelled or interrupted; a batch killed outright leaves them to finish their share.
"""
import multiprocessing
import os
import time

MAX_WORKERS = 4  # each holds the profile and a channelled reference (about 100 MB for builtin:fsdd)
MIN_RECORDINGS = 100  # kept reference recordings below which a calibration (or a picture's, a MIDI file's) costs
# less than a worker's start: importing the engine, re-hashing the case's artefacts and reading its profile (2-5 s;
# a JPEG's calibration on builtin:mnist[0:5000] about 7 s one after another, 13 s with two workers on a busy machine)
POLL_SECONDS = 0.1  # how often a cancellation is looked for while the workers compute


def default_workers():
    """Workers used when none are asked for: one a core, at most MAX_WORKERS."""
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def worth_it(profile, workers, todo):
    """Whether `todo` channels of a case with this profile are worth handing to `workers` processes: two or more
    workers and two or more channels, and enough kept reference recordings for a calibration to outweigh a worker's
    start (pictures and MIDI files keep none); never from a daemonic process (a pool's worker), which may start none."""
    return (workers >= 2 and todo >= 2 and len(profile.get("ref_audio_group", ())) >= MIN_RECORDINGS
            and not multiprocessing.current_process().daemon)


def warm(build, case_dir, alpha, keys, workers, state=None):
    """Runs build(case_dir, alpha, keys[k::n]) in n = min(workers, len(keys)) spawned processes at once, each building
    its share of the channels in turn; returns when all have ended (the state's check raising Cancelled stops them).
    A worker that fails or cannot start is passed over: the batch builds what it left as before."""
    context = multiprocessing.get_context("spawn")
    n = min(workers, len(keys))
    running = [context.Process(target=build, args=(case_dir, alpha, keys[k::n]), name="channel calibration")
               for k in range(n)]
    try:
        for process in running:
            try:
                process.start()
            except OSError:  # no process to be had: the batch builds the channels itself
                break
        while any(process.is_alive() for process in running if process.pid is not None):
            if state is not None:
                state.check()  # Cancelled: the workers are stopped below, their unfinished calibrations not stored
            time.sleep(POLL_SECONDS)
    finally:
        for process in (process for process in running if process.pid is not None):
            if process.is_alive():
                process.terminate()
            process.join()

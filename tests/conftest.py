"""Shared pytest fixtures. Add fixtures below; do not rewrite the ones already here."""
import numpy as np
import pytest


# --- GUI: no test may leave a job thread running (napari's check) ----------------------


@pytest.fixture
def no_threads_left(monkeypatch):
    """Fails a test that leaves an engine.jobs QtJob thread running (after stopping it)."""
    from gui.job_runner import QtJob as qt_job

    started = []
    original_start = qt_job.start

    def tracking_start(self):
        started.append(self)
        original_start(self)

    monkeypatch.setattr(qt_job, "start", tracking_start)
    yield started
    left = [job.name for job in started if job.is_running()]
    for job in started:
        job.cancel()
        job.wait(30000)
    assert not left, f"job threads still running after the test: {left}"


@pytest.fixture
def gui_window(qtbot, tmp_path):
    """The main window with throwaway settings; closed (jobs cancelled and joined) afterwards.

    Request it before `no_threads_left`, so that fixture checks the test's own threads
    before the window's shutdown joins them.
    """
    from PySide6.QtCore import QSettings

    from gui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    window = MainWindow(settings, restore_last_case=False)
    window.show()
    yield window
    window.close()
    _destroy(window)


def _destroy(widget):
    """Deletes a widget now, while Qt and Python are both alive (pyqtgraph items collected
    at interpreter exit can crash after their C++ side is gone)."""
    import gc

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    gc.collect()


@pytest.fixture(scope="module")
def without_lpc_lattice():
    """Speech cases made under it hold no lpc-lattice: its calibration reads 50 kept recordings at about 1 s
    each, which the tests of other speech detectors need not pay (tests/test_lpc_lattice.py tests it)."""
    from engine.detectors import lpc_lattice

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lpc_lattice, "CALIBRATION_RECORDINGS", 0)
        yield


# --- speech: one builtin:fsdd case and its channel recalibrations per session ----------


@pytest.fixture(scope="session")
def fsdd_case_template(tmp_path_factory):
    """A case on builtin:fsdd without lpc-lattice (see `without_lpc_lattice`), made once per session:
    about half a minute on two cores, which six test modules of speech detectors would each pay."""
    from engine import case_workflows
    from engine.detectors import lpc_lattice

    path = str(tmp_path_factory.mktemp("fsdd-template") / "case")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lpc_lattice, "CALIBRATION_RECORDINGS", 0)
        case_workflows.new_case(path, "builtin:fsdd")
    return path


@pytest.fixture(scope="module")
def fsdd_case(fsdd_case_template, tmp_path_factory):
    """A module's own copy of the session's builtin:fsdd case, so its verdicts and evidence stay its own."""
    import shutil

    copy = tmp_path_factory.mktemp("fsdd-case") / "case"
    shutil.copytree(fsdd_case_template, copy)
    return str(copy)


def kept_few(profile, n=4):
    """The profile with only n of its kept reference recordings on each side of the fit / calibration split: a
    channel's stand-aside rule read in seconds, not the half minute the case's 400 recordings take through a codec."""
    groups, bounds = np.asarray(profile["ref_audio_group"]), np.asarray(profile["ref_audio_bounds"])
    fit = int(profile["n_fit_files"])
    pick = np.r_[np.flatnonzero(groups < fit)[:n], np.flatnonzero(groups >= fit)[:n]]
    parts = [profile["ref_audio"][bounds[k]:bounds[k + 1]] for k in pick]
    return {**profile, "ref_audio": np.concatenate(parts), "ref_audio_group": groups[pick],
            "ref_audio_bounds": np.r_[0, np.cumsum([p.size for p in parts])]}


@pytest.fixture
def channels_on_few_kept(monkeypatch):
    """Verdicts (engine.verdict.judge) whose channels are calibrated on `kept_few` of the case's kept recordings, and
    not stored in the case: for tests of what a verdict refuses or says of a file, not of a channel's calibration (a
    codec's, through a builtin:fsdd case's 400 recordings, takes one to three minutes on two cores)."""
    from engine import verdict

    class FewKept(verdict.Judging):
        def __init__(self, profile, detectors, alpha, fingerprint, gan_runs=(), case=None):
            super().__init__(kept_few(profile), detectors, alpha, fingerprint, gan_runs)

    monkeypatch.setattr(verdict, "Judging", FewKept)


@pytest.fixture(scope="session")
def fsdd_channel(fsdd_case_template):
    """(key, few=False) -> (detectors, note) of the builtin:fsdd case through channel `key`
    (channels.channel_detectors), each recalibrated once per session: a codec's recalibration passes the case's 400
    reference recordings through it and takes 20-40 s on two cores, and several modules ask for the same codecs.
    few=True recalibrates on `kept_few` of them: for tests that read only which detectors stand aside."""
    from engine import case_workflows
    from engine.detectors import suite
    from engine.detectors.channels import channel_detectors

    found = {}

    def through(key, few=False):
        if (key, few) not in found:
            with case_workflows.open_case(fsdd_case_template) as case:
                profile = case.profile()
            found[key, few] = channel_detectors(suite.profile_detectors(profile),
                                                kept_few(profile) if few else profile, key)
        return found[key, few]

    return through


# --- an MNIST profile shared by the image channel tests -------------------------------


@pytest.fixture(scope="session")
def mnist600_profile():
    """(profile, profile detectors) of `builtin:mnist[0:600]`, built once: the image channel tests read it and
    never change it (each derives what it needs: channel_detectors, dict(profile, ...))."""
    from engine.data.specs import load_spec
    from engine.detectors import suite
    from engine.detectors.profile import build_profile

    profile = build_profile(load_spec("builtin:mnist[0:600]"))
    return profile, suite.profile_detectors(profile)


# --- a chorale profile shared by the music tests that only read it ---------------------


@pytest.fixture(scope="session")
def bach60_profile():
    """(profile, profile detectors) of `builtin:bach[0:60]`, built once: tests/test_time_scale.py and
    tests/test_performance.py read it and never change it."""
    from engine.data.specs import load_spec
    from engine.detectors import suite
    from engine.detectors.profile import build_profile

    profile = build_profile(load_spec("builtin:bach[0:60]"))
    return profile, suite.profile_detectors(profile)

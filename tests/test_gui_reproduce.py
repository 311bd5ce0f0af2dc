"""The Reproduce panel: lists every item, runs one through the job manager and shows its table."""
import json
import os


def test_reproduce_panel_runs_an_item_and_shows_its_table(gui_window, no_threads_left, qtbot, tmp_path):
    from engine.reproduce.registry import list_items

    panel = gui_window.reproduce_panel
    gui_window.show_view("reproduce")
    assert [panel.items_table.item(r, 1).text() for r in range(panel.items_table.rowCount())] == \
        [item.id for item in list_items()]
    panel.out.setText(str(tmp_path / "out"))
    panel.device.setCurrentText("cpu")
    seen = []
    panel.jobs.job_changed.connect(lambda record: seen.append(record.fraction))
    panel.run("tequilagan-table1-mnist", scale="tiny")
    assert panel.stop_button.isEnabled()
    qtbot.waitUntil(lambda: panel.document is not None, timeout=120000)
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=30000)
    assert seen and 0 < max(seen) <= 1, "no live progress arrived"
    rows = {panel.result_table.item(r, 0).text() for r in range(panel.result_table.rowCount())}
    assert {"test", "bernoulli", "gan", "lsgan", "wgan-gp"} <= rows
    assert panel.page.pixmap() is not None and not panel.page.pixmap().isNull()
    with open(tmp_path / "out" / "tequilagan-table1-mnist.json", encoding="utf-8") as fh:
        assert json.load(fh)["scale"] == "tiny"
    assert not panel.stop_button.isEnabled()


def test_stopping_a_reproduction_cancels_its_job(gui_window, no_threads_left, qtbot, tmp_path):
    panel = gui_window.reproduce_panel
    panel.out.setText(str(tmp_path / "out"))
    panel.device.setCurrentText("cpu")
    panel.run("tequilagan-table1-mnist", scale="quick")  # minutes of training: stopped long before
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=60000)
    panel.stop_button.click()
    qtbot.waitUntil(gui_window.jobs.is_idle, timeout=60000)
    assert panel.document is None and "Stopped" in panel.status.text()
    assert not os.path.exists(tmp_path / "out" / "tequilagan-table1-mnist.json")


def test_clicking_an_item_shows_the_table_an_earlier_run_left(gui_window, tmp_path):
    panel = gui_window.reproduce_panel
    document = {"id": "tequilagan-speech", "scale": "quick", "rows": [
        {"name": "exponential", "paper": {"jsd": 0.11423}, "ours": {"jsd": 0.15}}]}
    (tmp_path / "tequilagan-speech.json").write_text(json.dumps(document))
    (tmp_path / "tequilagan-table1-mnist.json").write_text("{not json")
    panel.out.setText(str(tmp_path))
    row = [item.id for item in panel.items].index("tequilagan-speech")
    panel.items_table.cellClicked.emit(row, 1)
    assert panel.result_table.rowCount() == 1
    assert [panel.result_table.item(0, c).text() for c in range(4)] == ["exponential", "jsd", "0.1142", "0.15"]
    panel.items_table.cellClicked.emit([item.id for item in panel.items].index("tequilagan-table1-mnist"), 1)
    assert "not a readable result" in panel.status.text()

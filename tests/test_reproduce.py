"""`main.py reproduce`: the registry, every item at the test-only tiny scale (JSON shape, paper
values beside ours, PDF and PNG), reuse of finished runs, cancel and resume, bad input."""
import json
import os
import re

import pytest

pytest.importorskip("torch")

import main  # noqa: E402
from engine.errors import InputError  # noqa: E402
from engine.jobs import Cancelled, JobState  # noqa: E402
from engine.reproduce.job import reproduce_job  # noqa: E402
from engine.reproduce.registry import get_item, list_items  # noqa: E402

REQUIRED = {"tequilagan-table1-mnist", "tequilagan-bach-violations", "tequilagan-speech", "authorship-attribution",
            "authorship-inverse", "rounds-heldout-matrix"}
# attribution before inverse: the inverse item must reuse the attribution item's GANs
ORDER = ["tequilagan-table1-mnist", "tequilagan-bach-violations", "tequilagan-speech", "authorship-attribution",
         "authorship-inverse", "rounds-heldout-matrix"]


def gan_run_times(out):
    runs = os.path.join(out, "runs", "tiny")
    return {name: os.path.getmtime(os.path.join(runs, name, "run.json"))
            for name in ("gan1275", "gan14589", "gan038") if os.path.exists(os.path.join(runs, name, "run.json"))}


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    """Every item at the tiny scale into one folder, with the GAN runs' times around the inverse item."""
    out = str(tmp_path_factory.mktemp("reproduce"))
    results, times = {}, {}
    for item_id in ORDER:
        if item_id == "authorship-inverse":
            times["before_inverse"] = gan_run_times(out)
        results[item_id] = reproduce_job({"id": item_id, "scale": "tiny", "device": "cpu", "out": out}, JobState())
    times["after_inverse"] = gan_run_times(out)
    return out, results, times


def test_the_registry_lists_at_least_the_six_items_each_with_tiny_quick_and_paper_sizes():
    items = list_items()
    assert REQUIRED <= {item.id for item in items} and set(ORDER) == REQUIRED
    for item in items:
        assert item.id == item.id.lower() and item.title and item.paper in ("000", "003", "004")
        assert {"tiny", "quick", "paper"} <= set(item.sizes)


def test_reproduce_list_prints_one_line_per_item(capsys):
    assert main.main(["reproduce", "--list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(list_items()) >= 6
    for line, item in zip(lines, list_items()):
        assert line.split()[0] == item.id and item.title in line and f"({item.paper})" in line


@pytest.mark.parametrize("argv, reason", [
    (["reproduce", "no-such-item", "--out", "OUT"], "unknown reproducible item"),
    (["reproduce", "tequilagan-speech"], "give --list, or an ID and --out DIR"),
])
def test_bad_input_is_one_line_and_exit_code_2(argv, reason, capsys, tmp_path):
    argv = [str(tmp_path / a) if a == "OUT" else a for a in argv]
    assert main.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and reason in err


def test_an_output_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        reproduce_job({"id": "tequilagan-speech", "scale": "tiny", "out": str(tmp_path / "file")}, JobState())


@pytest.mark.parametrize("item_id", ORDER)
def test_every_item_writes_its_json_pdf_and_png(tiny_results, item_id):
    out, results, _ = tiny_results
    with open(os.path.join(out, f"{item_id}.json"), encoding="utf-8") as fh:
        document = json.load(fh)
    assert {"id", "paper", "scale", "rows", "notes"} <= set(document)
    assert document["id"] == item_id and document["scale"] == "tiny" and document["notes"]
    assert document["rows"]
    for row in document["rows"]:
        assert set(row) == {"name", "paper", "ours"}
        assert set(row["paper"]) == set(row["ours"]), "the paper's keys and ours line up, null where missing"
        assert any(v is not None for v in row["ours"].values())
    assert any(v is not None for row in document["rows"] for v in row["paper"].values()), "no paper value"
    for kind in ("pdf", "png"):
        path = os.path.join(out, f"{item_id}.{kind}")
        assert os.path.getsize(path) > 1000
    with open(os.path.join(out, f"{item_id}.pdf"), "rb") as fh:
        assert len(re.findall(rb"/Type\s*/Page[^s]", fh.read())) == 1, "one page"


def test_the_mnist_table_holds_the_papers_values_beside_ours(tiny_results):
    rows = {r["name"]: r for r in tiny_results[1]["tequilagan-table1-mnist"]["rows"]}
    assert set(rows) == {"test", "bernoulli", "gan", "lsgan", "wgan-gp"}
    assert rows["bernoulli"]["paper"] == {"ks_statistic": 0.130855, "jsd": 0.0785009}
    assert rows["gan"]["paper"] == {"ks_statistic": None, "jsd": None}
    assert rows["test"]["ours"]["jsd"] < rows["bernoulli"]["ours"]["jsd"]


def test_the_attribution_item_holds_both_confusion_matrices(tiny_results):
    document = tiny_results[1]["authorship-attribution"]
    confusion = document["confusion"]
    assert confusion["labels"] == ["real", "gan1275", "gan14589", "gan038"]
    assert confusion["paper"][0][0] == 19175 and confusion["paper"][1][1] == 6312  # reordered to our labels
    assert sum(map(sum, confusion["ours"])) > 0


def test_the_inverse_item_reuses_the_attribution_items_gans(tiny_results):
    _, _, times = tiny_results
    assert len(times["before_inverse"]) == 3 and times["before_inverse"] == times["after_inverse"]


def test_the_rounds_item_has_the_matrix_shape_and_the_curve(tiny_results):
    document = tiny_results[1]["rounds-heldout-matrix"]
    assert len(document["matrix"]["ours"]) == len(document["matrix"]["paper"]) == 2
    assert document["generalization"]
    assert {r["name"] for r in document["rows"]} >= {"C0 on G0", "C0 on G1", "C1 on G0", "C1 on G1"}


class CancelAfterFirstStep(JobState):
    def progress(self, fraction, message=""):
        super().progress(fraction, message)
        if "GAN gan:" in message:
            self.cancel()


def test_a_cancelled_run_writes_no_table_and_the_next_run_resumes_it(tmp_path):
    params = {"id": "tequilagan-table1-mnist", "scale": "tiny", "device": "cpu", "out": str(tmp_path)}
    with pytest.raises(Cancelled):
        reproduce_job(params, CancelAfterFirstStep())
    run = tmp_path / "runs" / "tiny" / "gan"
    assert json.loads((run / "run.json").read_text())["status"] == "cancelled"
    assert not (tmp_path / "tequilagan-table1-mnist.json").exists()
    reproduce_job(params, JobState())
    resumed = json.loads((run / "run.json").read_text())
    assert resumed["status"] == "finished" and resumed["metrics"]["steps"] == 2
    assert (tmp_path / "tequilagan-table1-mnist.json").exists()


def test_the_quick_mnist_bernoulli_jsd_is_within_ten_percent_of_the_papers():
    """No training involved: the quick table's Bernoulli row on the quick reference."""
    from engine.data.specs import load_spec
    from engine.reproduce.common import compare_all

    sizes = get_item("tequilagan-table1-mnist").sizes["quick"]
    reference = load_spec(sizes["reference"])
    bernoulli = load_spec("baseline:bernoulli", reference=reference)
    jsd = compare_all(reference, [("bernoulli", bernoulli)], JobState())["bernoulli"]["intensity"]["jsd"]
    assert jsd == pytest.approx(0.0785009, rel=0.10)


def test_a_finished_run_is_reused_and_continued_when_more_steps_are_asked_for(tmp_path):
    from dataclasses import replace

    from engine.reproduce.common import train_or_reuse
    from engine.training_jobs import train_gan_job
    from engine.training_options import GanOptions

    params = GanOptions(data="builtin:digits[0:64]", out=str(tmp_path / "gan"), steps=2, width=8, z_dim=8,
                        batch_size=16, device="cpu")
    first = train_or_reuse(train_gan_job, params, JobState())
    again = train_or_reuse(train_gan_job, params, JobState())
    assert again["updated"] == first["updated"], "a finished run with the same steps is not retrained"
    longer = train_or_reuse(train_gan_job, replace(params, steps=4), JobState())
    assert longer["status"] == "finished" and longer["metrics"]["steps"] == 4
    assert [r["step"] for r in map(json.loads, open(tmp_path / "gan" / "metrics.jsonl"))][-1] == 4

"""PDF reports: findings first, every page carries the case ID and "page N of M", fonts
embedded, evidence hashes re-verified (the tamper test), several cases share one PDF behind
a cover with contents, music sections mark forbidden transitions."""
import json
import os
import re

import numpy as np
import pytest

import main
from engine import case as case_store, case_workflows
from engine.data.specs import load_spec
from engine.data.writers import write_png
from engine.detectors import specification
from engine.report import write_report
from engine.verdict import judge


def pdf_pages(path):
    """The text of every page (pypdf reads the embedded fonts' Unicode maps)."""
    from pypdf import PdfReader

    assert open(path, "rb").read(5) == b"%PDF-"
    return [" ".join(page.extract_text().split()) for page in PdfReader(str(path)).pages]


def pdf_text(path):
    return "\n".join(pdf_pages(path))


def make_judged_case(tmp_path):
    case_dir = tmp_path / "case"
    case_workflows.new_case(str(case_dir), "builtin:mnist[0:300]", name="report-test")
    files = []
    for i, sample in enumerate(load_spec("builtin:mnist[9000:9002]").x):
        files.append(tmp_path / f"e{i}.png")
        write_png(str(files[-1]), sample[0])
    judge(str(case_dir), [str(f) for f in files])
    with case_store.open_case(str(case_dir)) as case:
        case_id = case.case_id
    return case_dir, files, case_id


@pytest.fixture
def judged_case(tmp_path):
    """A case on 300 MNIST digits with verdicts on two PNG files."""
    return make_judged_case(tmp_path)


@pytest.fixture(scope="module")
def written_report(tmp_path_factory):
    """(case_dir, files, report path): one report that the read-only checks share."""
    tmp_path = tmp_path_factory.mktemp("report")
    case_dir, files, _ = make_judged_case(tmp_path)
    out = tmp_path / "r.pdf"
    write_report(str(out), [str(case_dir)], analyst="A. Analyst")
    return case_dir, files, out


def test_report_has_case_id_and_page_n_of_m_on_every_page(judged_case, tmp_path, capsys):
    case_dir, files, case_id = judged_case
    out = tmp_path / "r.pdf"
    assert main.main(["report", "--case", str(case_dir), "--out", str(out), "--analyst", "A. Analyst"]) == 0
    assert "case verified" in capsys.readouterr().out
    pages = pdf_pages(out)
    assert len(pages) >= 5
    for number, text in enumerate(pages, 1):
        assert f"Case {case_id}" in text
        assert f"page {number} of {len(pages)}" in text
    text = "\n".join(pages)
    for name in ("Findings", "Limitations and error rates", "Self-test not run", "Evidence and integrity",
                 "Methods", "Examiner and declaration", "Signature", "Audit log", "A. Analyst"):
        assert name in text
    with case_store.open_case(str(case_dir)) as case:
        (row,) = case.conn.execute("SELECT integrity_ok FROM report").fetchall()
        assert row[0] == 1


def test_changing_one_byte_of_evidence_is_flagged_in_report_and_log(judged_case, tmp_path, capsys):
    case_dir, files, _ = judged_case
    data = bytearray(files[1].read_bytes())
    data[-5] ^= 0xFF
    files[1].write_bytes(bytes(data))
    out = tmp_path / "tampered.pdf"
    assert main.main(["report", "--case", str(case_dir), "--out", str(out)]) == 3  # written, flagged
    assert "INTEGRITY FAILURE" in capsys.readouterr().out
    text = pdf_text(out)
    assert "INTEGRITY FAILURE" in text and "MODIFIED SINCE INTAKE" in text
    with case_store.open_case(str(case_dir)) as case:
        checks = [json.loads(e["params_json"]) for e in case.audit_log() if e["action"] == "evidence_verified"]
        assert [m["path"] for m in checks[-1]["mismatches"]] == [str(files[1])]
        assert case.conn.execute("SELECT integrity_ok FROM report").fetchone()[0] == 0


def test_verdict_report_option_writes_the_pdf(judged_case, tmp_path):
    case_dir, files, _ = judged_case
    out = tmp_path / "v.pdf"
    assert main.main(["verdict", str(files[0]), "--case", str(case_dir), "--report", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_one_pdf_holds_several_cases_each_page_naming_its_own(judged_case, tmp_path):
    case_dir, _, first_id = judged_case
    other = tmp_path / "other"
    case_workflows.new_case(str(other), "builtin:digits[0:60]", name="other")
    with case_store.open_case(str(other)) as case:
        second_id = case.case_id
    out = tmp_path / "both.pdf"
    result = write_report(str(out), [str(case_dir), str(other)])
    text = pdf_text(out)
    pages = pdf_pages(out)
    assert result["cases"] == 2 and result["pages"] == len(pages)
    named = [(f"Case {first_id}" in p) + (f"Case {second_id}" in p) for p in pages]
    cover = named.index(1)
    assert cover >= 1 and not any(named[:cover]) and all(n == 1 for n in named[cover:])
    assert "Contents of all cases" in pages[0] and "report-test" in pages[0]  # the cover and its contents
    assert sum(f"Case {second_id}" in p for p in pages) >= 3


def test_violating_transitions_finds_the_step_of_a_forbidden_chord_change():
    from engine.analysis.specifications import chroma_transition_spec

    roll = np.zeros((1, 128, 6), np.float32)
    roll[0, 60, :3] = 1  # C held ...
    roll[0, 62, 3:] = 1  # ... then D held
    reference = np.zeros((1, 1, 128, 6), np.float32)
    reference[0, 0, 60, :] = 1  # only C -> C is ever seen
    steps, codes = specification.violating_transitions(roll, chroma_transition_spec(reference))
    assert steps.tolist() == [2, 3, 4]  # C -> D, then D -> D twice


def test_analyze_report_option_writes_tables_and_figures(tmp_path):
    out, js = tmp_path / "a.pdf", tmp_path / "a.json"
    rc = main.main(["analyze", "--reference", "builtin:digits[0:100]", "--compare", "b=baseline:bernoulli",
                    "--report", str(out), "--json", str(js)])
    assert rc == 0
    pages = pdf_pages(out)
    assert "intensity histograms" in "\n".join(pages) and "centroid mean" in "\n".join(pages)
    assert len(pages) >= 4 and f"page 4 of {len(pages)}" in pages[3]  # the table page and one page per figure
    assert "plots" not in json.loads(js.read_text())  # the figures were drawn for the report only


def test_page_one_lists_every_file_with_its_finding_and_strength(written_report):
    from engine import findings

    case_dir, files, out = written_report
    first = pdf_pages(out)[0]
    assert "Question" in first and "A. Analyst" in first and "Findings" in first
    with case_store.open_case(str(case_dir)) as case:
        verdicts = case.verdicts()
    assert len(verdicts) == len(files)
    for v in verdicts:
        described = findings.describe(v)
        row = re.search(re.escape(os.path.basename(v["path"])) + r" (\w{8}) ?… (.*?) \(p = ", first)
        assert row, first
        assert row.group(1) == v["sha256"][:8]
        assert row.group(2).startswith(described["finding"]) and described["strength"] in row.group(2)
    assert "score" not in first.lower()  # never a bare score whose direction the reader must guess


def test_every_font_is_embedded_and_the_pdf_has_an_outline_and_metadata(written_report):
    from pypdf import PdfReader

    case_dir, files, out = written_report
    reader = PdfReader(str(out))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        assert font["/Subtype"] == "/TrueType", name  # no standard Type 1 font a reader must substitute
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), name
    titles = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(item.title)

    walk(reader.outline)
    for section in ("Findings", "Limitations and error rates", "Evidence and integrity", "Methods", "Audit log (chain of custody)"):
        assert section in titles
    for f in files:
        assert any(t.endswith(os.path.basename(str(f))) for t in titles)
    assert reader.metadata.title.startswith("Forensic examination report") and reader.metadata.author == "A. Analyst"
    assert reader.metadata.subject


def test_audit_log_is_a_table_not_json(written_report):
    _, _, out = written_report
    text = pdf_text(out)
    audit = text[text.rindex("Audit log (chain of custody)"):]
    assert "Time (UTC) Operator Action Object Details Row hash" in audit
    assert "verdict e0.png" in audit and "case verified" in audit and '{"' not in audit
    assert "rows:" not in audit  # the row seals are the chain's business, not the reader's


def test_a_verdict_from_another_detector_set_is_flagged_not_described_with_the_current_one(judged_case, tmp_path):
    case_dir, files, _ = judged_case
    with case_store.open_case(str(case_dir)) as case:  # as if a run had been registered after this verdict
        row = case.conn.execute("SELECT id, detectors_json FROM verdict ORDER BY id LIMIT 1").fetchone()
        detectors = json.loads(row["detectors_json"])
        detectors["cnn:retired"] = dict(detectors["features"])
        case.conn.execute("UPDATE verdict SET detectors_json = ?, fingerprint = ? WHERE id = ?",
                          (json.dumps(detectors), "0" * 64, row["id"]))
    out = tmp_path / "r.pdf"
    write_report(str(out), [str(case_dir)])
    pages = pdf_pages(out)
    assert "(older detector set)" in pages[0]  # the findings table
    assert "Produced by an older detector set" in "\n".join(pages) and "cnn:retired" in "\n".join(pages)


def test_audit_table_shows_the_operator_and_each_row_hash_of_the_chain(judged_case, tmp_path):
    case_dir, _, _ = judged_case
    with case_store.open_case(str(case_dir)) as case:
        last = case.audit_log()[-1]
    out = tmp_path / "r.pdf"
    write_report(str(out), [str(case_dir)])
    audit = pdf_text(out)
    audit = audit[audit.rindex("Audit log (chain of custody)"):]
    assert last["operator"] in audit and last["hash"][:10] in audit and last["hash"] not in audit.split("head")[0]


def test_the_report_shows_file_names_with_control_characters_escaped():
    from engine.report.case_part import audit_object, file_name

    assert file_name("/evidence/a\u202egnp.png") == "a\\u202egnp.png"
    assert file_name("/evidence/two\nlines.wav") == "two\\nlines.wav"
    assert audit_object({"path": "/evidence/a\u202egnp.png"})[0] == "a\\u202egnp.png"


def test_names_with_markup_or_glyphs_the_font_lacks_read_exactly_in_headings_and_contents(tmp_path):
    from engine.report.pdf import Document

    doc = Document("names", "test", "names")
    doc.contents()
    for name in ("a&b<c>.png", "\u6f22\u5b57.png"):
        doc.add(doc.heading(name), doc.para(f"the file {name}"))
    doc.build(str(tmp_path / "names.pdf"))
    text = pdf_text(tmp_path / "names.pdf")
    assert text.count("a&b<c>.png") == 3  # the contents line, the heading and the paragraph
    assert text.count("\\u6f22\\u5b57.png") == 3 and "\u6f22" not in text  # no glyph: its code, not a box


def test_the_report_is_pdf_a_2b_by_every_structural_rule_checked(written_report):
    """veraPDF cannot be installed here: tests/pdfa_rules.py checks its PDF/A-2B rules that
    concern what a report holds (it says which rules it leaves out)."""
    from pypdf import PdfReader

    import pdfa_rules

    _, _, out = written_report
    assert pdfa_rules.violations(str(out)) == []
    reader = PdfReader(str(out))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    assert intent["/DestOutputProfile"].get_object().get_data()[12:20] == b"mntrRGB "
    assert not reader.is_encrypted


def test_the_pdf_a_check_finds_what_reportlab_alone_leaves_out_and_convert_mends_it(tmp_path):
    """A plain reportlab file with a link and monospaced text fails the rules the report's
    PDF/A step exists for; after engine.report.pdfa.convert it passes them."""
    from reportlab.pdfgen.canvas import Canvas

    import pdfa_rules
    from engine.report import pdf, pdfa

    pdf.register_fonts()  # with the monospaced font's advance widths mended
    plain = tmp_path / "plain.pdf"
    canvas = Canvas(str(plain), initialFontName=pdf.FONT)
    canvas.setFont(pdf.MONO, 9)
    canvas.drawString(72, 720, "sha256 0123456789abcdef")
    canvas.bookmarkPage("top")
    canvas.linkRect("", "top", (72, 700, 200, 712))
    canvas.setFillColorRGB(0.7, 0.1, 0.1)
    canvas.rect(72, 600, 100, 50, fill=1)
    canvas.showPage()
    canvas.save()
    found = "\n".join(pdfa_rules.violations(str(plain)))
    for clause in ("6.6.2.1: no XMP", "6.2.3: no GTS_PDFA1", "6.3.2: page 1: /Link annotation without flags",
                   "6.1.7.1: stream"):
        assert clause in found
    converted = tmp_path / "pdfa.pdf"
    pdfa.convert(str(plain), str(converted))
    assert pdfa_rules.violations(str(converted)) == []


def test_xmp_dates_are_the_information_dictionarys_instant():
    from engine.report.pdfa import xmp_date

    assert xmp_date("D:20261130210511+00'00'") == "2026-11-30T21:05:11+00:00"
    assert xmp_date("D:20261130210511-05'30'") == "2026-11-30T21:05:11-05:30"
    assert xmp_date("D:20261130210511Z") == "2026-11-30T21:05:11Z"


def test_histograms_and_calibration_figures_are_vectors_with_text_in_the_reports_fonts(written_report):
    """Only the pixels of a sample stay raster: the analysis pages hold no image at all, and
    their axis labels and legends are text a reader can search."""
    from pypdf import PdfReader

    _, files, out = written_report
    reader = PdfReader(str(out))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    analysis = [k for k, text in enumerate(pages) if "detector score (higher = less like the reference)" in text]
    assert analysis
    for k in analysis:
        assert "number of files" in pages[k] and "real calibration files" in pages[k]
        xobjects = reader.pages[k]["/Resources"].get("/XObject") or {}
        assert not [x for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"]
    for f in files:  # the digit itself: one raster image, its axes drawn around it as text and lines
        (k,) = [k for k, text in enumerate(pages) if f"{os.path.basename(str(f))}: " in text and "x (pixels)" in text]
        images = [x for x in reader.pages[k]["/Resources"]["/XObject"].values() if x.get_object()["/Subtype"] == "/Image"]
        assert len(images) == 1


def test_figures_record_text_at_7_pt_or_more_and_raster_only_for_pixels():
    from engine.report import figures

    rng = np.random.default_rng(0)
    roll = np.zeros((1, 1, 128, 64), np.float32)
    roll[0, 0, 60, 0:8] = roll[0, 0, 64, 8:16] = roll[0, 0, 67, 4:20] = 1.0
    drawn = {
        "piano roll": figures.sample_figure(roll, "piano roll", violations=[8]),
        "spectrogram": figures.sample_figure(rng.random((1, 1, 64, 32)).astype(np.float32), "spectrogram"),
        "image": figures.sample_figure(rng.random((1, 1, 28, 28)).astype(np.float32), "pixels"),
        "histogram": figures.intensity_figure(np.arange(100.0), rng.random(500)),
        "calibration": figures.calibration_figure("features", np.sort(rng.normal(size=200)), 2.5, 0.0025, [0.1, 3.0]),
    }
    for name, picture in drawn.items():
        calls = [call for call, _, _ in picture.calls]
        sizes = [args[1] for call, args, _ in picture.calls if call == "setFont"]
        assert sizes and min(sizes) >= 7, name
        assert "drawString" in calls and "drawPath" in calls, name  # text as text, lines as paths
        assert calls.count("drawImage") == (1 if name in ("spectrogram", "image") else 0), name


def test_files_a_batch_refused_are_listed_with_their_reason_unless_judged_since(judged_case, tmp_path):
    case_dir, files, _ = judged_case
    broken, fixed = tmp_path / "broken.png", tmp_path / "fixed.png"
    broken.write_bytes(b"not a picture")
    fixed.write_bytes(b"not yet a picture")
    judge(str(case_dir), [str(broken), str(fixed), str(files[0])])
    write_png(str(fixed), load_spec("builtin:mnist[9002:9003]").x[0, 0])
    judge(str(case_dir), [str(fixed)])
    out = tmp_path / "r.pdf"
    write_report(str(out), [str(case_dir)], analyst="A. Analyst")
    text = " ".join(pdf_text(out).split())
    assert "1 further file(s) named for judgement were refused and never judged" in text  # the conclusion, page 1
    listed = text.rsplit("Files refused, not judged", 1)[1].split("The evidence files", 1)[0]  # not the contents'
    assert "not a PNG file (its content does not start like one)" in listed
    names = listed.replace(" ", "")  # a long path wraps in its cell
    assert "broken.png" in names and "fixed.png" not in names

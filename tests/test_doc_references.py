"""Quoted references to the docs resolve: a comment, docstring or document that cites a section as
docs/<name>.md, "<title>" names a heading of that file.

Titles are often abbreviated: a title matches a heading that starts with it, ignoring case and
backticks; one shortened with "..." matches a heading that starts with its first part and holds the
rest in order. A title may run over a line break (a comment's `#` and the indentation are dropped).
A study moved from docs/verdicts.md to docs/studies.md, or a heading renamed, fails here."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = ("engine", "training", "gui", "tests")
# docs/NAME.md, then at most a comma, spaces, a line break with its comment mark and an opening
# bracket before the quoted title, which starts with a letter or a digit (not the end of a string)
REFERENCE = re.compile(r"""docs/[ \t\n#]*(\w+)\.md,?[ \t\n#]*\(?"""
                       r"""(?:"([A-Za-z0-9][^"]{0,200})"|'([A-Za-z0-9][^']{0,200})')""")


def sources():
    for folder in SOURCE_FOLDERS:
        yield from sorted((ROOT / folder).rglob("*.py"))
    yield ROOT / "README.md"
    yield from sorted((ROOT / "docs").glob("*.md"))


def plain(text):
    """Lower case, no backticks, a line break (with a comment's #) read as a space, or as nothing after a hyphen."""
    text = re.sub(r"-[ \t]*\n[ \t#]*", "-", text)
    text = re.sub(r"\s*\n[ \t#]*", " ", text)
    return " ".join(text.replace("`", "").lower().split())


def headings(name):
    path = ROOT / "docs" / f"{name}.md"
    if not path.exists():
        return None
    return [plain(line.lstrip("#")) for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]


def resolves(title, heads):
    first, *rest = [part.strip() for part in re.split(r"\.\.\.|…", plain(title))]
    for head in heads:
        if head.startswith(first):
            at = len(first)
            for part in rest:
                at = head.find(part, at)
                if at < 0:
                    break
            else:
                return True
    return False


def test_every_quoted_docs_reference_names_a_heading_of_its_file():
    cache, broken, seen = {}, [], 0
    for path in sources():
        text = path.read_text(encoding="utf-8")
        for match in REFERENCE.finditer(text):
            name, title = match.group(1), match.group(2) or match.group(3)
            if name not in cache:
                cache[name] = headings(name)
            seen += 1
            if cache[name] is None or not resolves(title, cache[name]):
                line = text.count("\n", 0, match.start()) + 1
                broken.append(f"{path.relative_to(ROOT)}:{line}: docs/{name}.md, {plain(title)!r}")
    assert seen > 50, "the pattern no longer finds the references"
    assert not broken, "references to no heading:\n" + "\n".join(broken)


def test_matching_is_by_prefix_across_line_breaks_and_ellipses():
    heads = [plain("Looped floor: a diphone voice's pauses repeat; built, measured, not kept (2026-12-03)"),
             plain("Self-test: `case validate`")]
    assert resolves("looped floor ... not kept", heads)
    assert resolves("Self-test", heads)
    assert resolves("Looped floor: a diphone\n    # voice's", heads)
    assert not resolves("Looped floor ... kept then", heads)
    assert not resolves("Pictures of another size", heads)

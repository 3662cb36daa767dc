"""The docs a newcomer reads: the README stays short, and every link in it and in docs/ leads somewhere.

Links to other sites are not followed; a relative link must name a file or folder of the
repository, and an anchor (``page.md#section``) a heading of that page, as GitHub writes them.
"""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_MAX_LINES = 220

# [text](target) and [text](target "title"); images too. Reference definitions: [name]: target
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INDENTED_CODE = re.compile(r"^(?: {4}|\t).*$", re.MULTILINE)
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # https:, mailto:…


def markdown_files() -> list[Path]:
    return [README, *sorted((ROOT / "docs").rglob("*.md"))]


def without_code(text: str) -> str:
    """The text with code blocks and code spans blanked: a link written in code is an example, not a link."""
    text = FENCE.sub("", text)
    text = INDENTED_CODE.sub("", text)
    return INLINE_CODE.sub("", text)


def links(path: Path) -> list[str]:
    text = without_code(path.read_text(encoding="utf-8"))
    return [*INLINE_LINK.findall(text), *REFERENCE_LINK.findall(text)]


def relative_links() -> list[tuple[Path, str]]:
    return [(path, target) for path in markdown_files() for target in links(path) if not EXTERNAL.match(target)]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found, seen = set(), {}
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        found.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return found


def link_id(case) -> str:
    path, target = case
    return f"{path.relative_to(ROOT)}->{target}"


def test_the_docs_have_links_to_check():
    # A pattern that stopped matching would make every test below pass on nothing.
    assert len(relative_links()) > 50
    assert (ROOT / "docs" / "decisions").is_dir()


@pytest.mark.parametrize("case", relative_links(), ids=link_id)
def test_relative_link_leads_to_a_file_or_folder(case):
    path, target = case
    address = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not address:
        return  # an anchor on the same page: see the next test
    destination = (path.parent / address).resolve()
    assert destination.is_relative_to(ROOT), f"{path.relative_to(ROOT)} links outside the repository: {target}"
    assert destination.exists(), f"{path.relative_to(ROOT)} links to {target}, which does not exist"
    if address.endswith("/"):
        assert destination.is_dir(), f"{path.relative_to(ROOT)} links to {target}, which is not a folder"


@pytest.mark.parametrize("case", [case for case in relative_links() if "#" in case[1]], ids=link_id)
def test_anchor_names_a_heading_of_its_page(case):
    path, target = case
    address, anchor = target.split("#", 1)
    page = (path.parent / unquote(address)).resolve() if address else path
    if page.suffix != ".md":
        return  # GitHub's line anchors (#L12) and the like: not headings
    assert unquote(anchor) in anchors(page), (
        f"{path.relative_to(ROOT)} links to {target}, but {page.relative_to(ROOT)} has no heading with that anchor"
    )


def test_the_readme_stays_short():
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines (at most {README_MAX_LINES}): move the detail into a page of docs/ and link it"
    )


def test_slug_follows_github():
    assert slug("What `make test` does") == "what-make-test-does"
    assert slug("The desk's list") == "the-desks-list"
    assert slug("Under load: `make bench-http`") == "under-load-make-bench-http"
    assert slug("Nothing reaches readers without an editor") == "nothing-reaches-readers-without-an-editor"

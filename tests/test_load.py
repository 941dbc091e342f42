"""Loaders: each format's text and sections, and every kind of bad file skipped with a reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.load import Skipped, discover, load
from ingest.types import Document
from tests.fakes import make_pdf

MD = """---
title: Vaccines and ocrelizumab
source_url: https://example.org/vaccines
audience: patient
sources: ["US PI 5.6"]
---

# Vaccines and ocrelizumab

Intro sentence here.

## Before you start

Get vaccines early. Live vaccines need at least 4 weeks.

### Timing

Non-live vaccines need 2 weeks.

```
# not a heading inside a fence
```

## During treatment

Avoid live vaccines.
"""


def _doc(path: Path) -> Document:
    result = load(path)
    assert isinstance(result, Document), result
    return result


def test_markdown_front_matter_and_heading_paths(tmp_path: Path) -> None:
    f = tmp_path / "v.md"
    f.write_text(MD)
    doc = _doc(f)
    assert doc.meta["audience"] == "patient"
    assert doc.meta["source_url"] == "https://example.org/vaccines"
    assert doc.title == "Vaccines and ocrelizumab"
    headings = [s.heading for s in doc.sections]
    assert headings == [
        "Vaccines and ocrelizumab",
        "Before you start",
        "Before you start > Timing",
        "During treatment",
    ]
    for s in doc.sections:  # spans point at the exact text in the file
        assert doc.text[s.start : s.start + len(s.text)] == s.text
    assert "not a heading inside a fence" in doc.sections[2].text


def test_front_matter_with_unquoted_colons_is_read_leniently(tmp_path: Path) -> None:
    f = tmp_path / "x.md"
    f.write_text("---\ntitle: A: B\nlicense: NOT free: see notice\n---\nBody text.\n")
    doc = _doc(f)
    assert doc.meta["license"] == "NOT free: see notice"
    assert doc.sections[0].text == "Body text."


def test_txt_and_html_visible_text_only(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Plain words.\n")
    assert _doc(tmp_path / "a.txt").sections[0].text == "Plain words."
    html = (
        "<html><head><title>Flu shot</title><style>p{color:red}</style></head><body>"
        "<script>alert('x')</script><h1>Flu</h1><p>The flu shot is safe.</p><h2>Who</h2>"
        "<ul><li>Adults</li><li>Children</li></ul><noscript>enable js</noscript></body></html>"
    )
    (tmp_path / "b.html").write_text(html)
    doc = _doc(tmp_path / "b.html")
    assert doc.title == "Flu shot"
    joined = "\n".join(s.text for s in doc.sections)
    assert "The flu shot is safe." in joined and "Adults" in joined
    assert "alert" not in doc.text and "color:red" not in doc.text and "enable js" not in doc.text
    assert [s.heading for s in doc.sections][-1] == "Who"


def test_pdf_keeps_page_numbers(tmp_path: Path) -> None:
    f = tmp_path / "leaflet.pdf"
    f.write_bytes(make_pdf(["Ocrelizumab page one text.", "Second page about vaccines."]))
    doc = _doc(f)
    assert [s.page for s in doc.sections] == [1, 2]
    assert "vaccines" in doc.sections[1].text
    assert doc.text[doc.sections[1].start :].startswith(doc.sections[1].text)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", b"", "empty file"),
        ("blank.txt", b"   \n\n", "no text content"),
        ("bin.txt", b"abc\x00\x01\x02def", "binary file"),
        ("latin1.md", "caf\xe9 au lait".encode("latin-1"), "not UTF-8"),
        ("image.png", b"\x89PNG\r\n", "unsupported file type '.png'"),
        ("trunc.pdf", make_pdf(["hello"])[:60], "unreadable PDF"),
        ("notpdf.pdf", b"this is not a pdf at all", "unreadable PDF"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    result = load(f)
    assert isinstance(result, Skipped)
    assert reason in result.reason
    assert "\n" not in result.reason


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root reads anything; a dangling symlink is the unreadable file root still cannot open
        f = tmp_path / "gone.md"
        f.symlink_to(tmp_path / "nowhere.md")
    else:
        f = tmp_path / "secret.md"
        f.write_text("x")
        f.chmod(0)
    result = load(f)
    assert isinstance(result, Skipped) and "unreadable" in result.reason


def test_discover_skips_hidden_and_does_not_follow_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.md").write_text("One.")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.md").write_text("hidden")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    files, skipped = discover([tmp_path])
    assert [f.name for f in files] == ["one.md"]
    assert all(".git" not in f.parts for f in files)
    assert skipped == []

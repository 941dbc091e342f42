"""Primary sources: front-matter records and paragraph markers reach every citation, labelled and linked."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from bot.cite import HeuristicJudge, verify
from bot.render import answer_dict, answer_text, sources_text
from bot.retrieve import to_passage
from bot.types import Answer
from bot.web.ui import citation_html
from ingest.chunk import Chunker
from ingest.index import chunk_from_record
from ingest.load import Skipped, load
from ingest.types import PrimarySource
from tests.fakes import FakeEmbedder

DOC = """---
title: "Infections on ocrelizumab"
primary_sources:
- id: uspi-5.2
  label: US Prescribing Information
  section: §5.2 Infections
  revision: rev. 8/2025
  url: https://dailymed.example/ocrevus
- id: veloce
  label: Bar-Or A et al. VELOCE. Neurology 2020
  date: "2020"
  url: https://doi.example/veloce
---

# Infections

## Risk

Infections occurred in 58% of patients (US PI §5.2).
Serious infections were reported (US PI §5.2).
<!-- src: uspi-5.2 -->

Vaccine responses were reduced (Bar-Or et al., 2020).
<!-- src: veloce, uspi-5.2 -->

## Advice

Wash your hands often.
"""

LABEL = "US Prescribing Information §5.2 Infections, rev. 8/2025"


def _write(tmp_path: Path, text: str = DOC, name: str = "infections.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_markers_are_blanked_in_place_and_attribute_their_paragraph(tmp_path: Path) -> None:
    raw = DOC
    doc = load(_write(tmp_path))
    assert not isinstance(doc, Skipped)
    assert "<!--" not in doc.text and "src:" not in doc.text
    assert len(doc.text) == len(raw)  # offsets into the file still hold for highlighting
    first = raw.index("Infections occurred")
    assert doc.text[first : first + 40] == raw[first : first + 40]
    spans = [(doc.text[a.start : a.end].strip().split("\n")[0], [s.label for s in a.sources]) for a in doc.attributions]
    assert spans == [
        ("Infections occurred in 58% of patients (US PI §5.2).", [LABEL]),
        ("Vaccine responses were reduced (Bar-Or et al., 2020).", ["Bar-Or A et al. VELOCE. Neurology 2020", LABEL]),
    ]


def test_chunks_carry_their_paragraphs_sources_and_unmarked_text_falls_back_to_the_title(tmp_path: Path) -> None:
    doc = load(_write(tmp_path))
    assert not isinstance(doc, Skipped)
    chunks = Chunker(FakeEmbedder().count_tokens, budget=12, overlap=0).chunk(doc)
    by_text = {c.text.split(" (")[0]: c.primary for c in chunks}
    assert by_text["Infections occurred in 58% of patients"] == (
        PrimarySource(LABEL, "https://dailymed.example/ocrevus"),
    )
    assert by_text["Wash your hands often."] == (PrimarySource("Infections on ocrelizumab", ""),)
    # Chroma keeps scalars only: the list survives the round trip as a JSON string.
    stored = chunk_from_record(chunks[0].id, chunks[0].text, chunks[0].metadata())
    assert isinstance(chunks[0].metadata()["attributions"], str) and stored == chunks[0]


def test_a_marker_naming_no_record_skips_the_file_with_the_reason(tmp_path: Path) -> None:
    skipped = load(_write(tmp_path, DOC.replace("src: veloce", "src: velose")))
    assert isinstance(skipped, Skipped) and "velose" in skipped.reason


def test_readme_is_documentation_and_an_external_leaflet_falls_back_to_its_own_title_and_link(tmp_path: Path) -> None:
    readme = load(_write(tmp_path, "# How this folder is organised\n\nSee the table.\n", "README.md"))
    assert isinstance(readme, Skipped) and "documentation" in readme.reason
    leaflet = '---\ntitle: "EU leaflet"\nsource_url: https://ema.example/ocrevus (EPAR PDF, Annex III)\n---\n\nText.\n'
    doc = load(_write(tmp_path, leaflet, "leaflet.md"))
    assert not isinstance(doc, Skipped)
    assert doc.primary_for(0, len(doc.text)) == (PrimarySource("EU leaflet", "https://ema.example/ocrevus"),)


def _answer(tmp_path: Path) -> Answer:
    """An answer built the real way: a chunk becomes a passage, the verifier cites it."""
    doc = load(_write(tmp_path))
    assert not isinstance(doc, Skipped)
    chunk = Chunker(FakeEmbedder().count_tokens, budget=12, overlap=0).chunk(doc)[0]
    passage = replace(to_passage(chunk), source="corpus/safety/infections.md")
    verified = verify("Infections occurred in 58% of patients [1].", [passage], HeuristicJudge())
    assert verified.citations, "the heuristic judge should support a sentence quoted from the passage"
    return Answer("q", verified.text, "answered", "clinician", citations=verified.citations)


def test_every_output_path_names_the_primary_source_first(tmp_path: Path) -> None:
    answer = _answer(tmp_path)
    expected = [{"label": LABEL, "url": "https://dailymed.example/ocrevus"}]
    assert list(answer.to_dict()["citations"][0]["primary"]) == expected
    assert json.loads(json.dumps(answer_dict(answer)))["citations"][0]["primary"] == expected
    for text in (answer_text(answer), sources_text(answer)):
        line = next(ln for ln in text.splitlines() if ln.startswith("[1]"))
        assert line.index(LABEL) < line.index("corpus/safety/infections.md"), line
    card = citation_html(answer.citations[0], 1, compact=False)
    assert card.index(LABEL) < card.index("corpus/safety/infections.md")
    assert 'href="https://dailymed.example/ocrevus"' in card
    assert answer.citations[0].primary_label == LABEL


def test_a_citation_names_the_sources_of_the_sentence_it_quotes_not_the_whole_passage(tmp_path: Path) -> None:
    doc = load(_write(tmp_path))
    assert not isinstance(doc, Skipped)
    chunk = Chunker(FakeEmbedder().count_tokens, budget=200, overlap=0).chunk(doc)[0]  # both marked paragraphs
    passage = to_passage(chunk)
    assert [p.label for p in passage.primary] == [LABEL, "Bar-Or A et al. VELOCE. Neurology 2020"]
    verified = verify("Vaccine responses were reduced [1].", [passage], HeuristicJudge())
    assert [p.label for p in verified.citations[0].primary] == ["Bar-Or A et al. VELOCE. Neurology 2020", LABEL]

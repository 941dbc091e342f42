"""Checks for the demo corpus (corpus/) and its gold eval set (evals/datasets/demo.jsonl).

The corpus is read the way ingest reads it (ingest.load), so a marker or record the loader would reject
fails here too; the self-reference pattern is the one the eval metric uses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

from evals.metrics import SELF_REFERENCE
from ingest.load import SOURCE_MARKER, Skipped, load

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
DATASET = ROOT / "evals" / "datasets" / "demo.jsonl"

AUDIENCES_DOC = {"clinician", "patient", "both"}
AUDIENCES_CASE = {"clinician", "patient"}
BEHAVIORS = {"answer", "abstain", "emergency", "refuse_dose"}
CASE_FIELDS = {"id": str, "audience": str, "turns": list, "behavior": str, "sources": list, "facts": list}

SEED_CLINICIAN = "Does Ocrevus (ocrelizumab) infusion for multiple sclerosis (MS) make a patient immunocompromised?"
SEED_PATIENT = "Does Ocrevus lower white blood cell count?"

FRONT_MATTER = re.compile(r"\A---\r?\n(.*?)\r?\n---\r?\n", re.DOTALL)

# A number followed by a unit (percent, dose, time, volume, temperature...). Digits inside names
# such as CD20, IgG1 or CD19+ are not numbers with units and are skipped by the look-behind.
NUMBER_WITH_UNIT = re.compile(
    r"(?<![A-Za-z0-9])\d+(?:[.,]\d+)*\s*-?\s*"
    r"(?:%|percent\b|mg\b|mL\b|mcg\b|micrograms?\b|units?\b|mmol\b|weeks?\b|months?\b|years?\b|"
    r"days?\b|hours?\b|minutes?\b|°C|× ?10)",
)
# Any number in running text; digits inside names (CD20, IgG1, anti-CD20) and section signs (§5.2) are not figures.
ANY_NUMBER = re.compile(r"(?<![A-Za-z0-9+\-§.])\d+(?:[.,]\d+)*")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
ATTRIBUTION_MARKER = re.compile(
    r"§|\bPI\b|leaflet|SmPC|guideline|guidance|ACIP|CDC|FDA|AAN|ECTRIMS|et al|NEJM|medical information|"
    r"\b(?:19|20)\d{2}\b",
    re.IGNORECASE,
)


def corpus_documents() -> list[Path]:
    """All corpus Markdown documents except the corpus README."""
    return sorted(p for p in CORPUS.rglob("*.md") if p.name != "README.md")


def all_corpus_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.md"))


def split_front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    assert match, f"{path.relative_to(ROOT)}: no YAML front matter"
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict), f"{path.relative_to(ROOT)}: front matter is not a mapping"
    return meta, text[match.end() :]


def load_cases() -> list[dict]:
    cases = []
    with DATASET.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                cases.append(json.loads(line))
            except json.JSONDecodeError as err:  # pragma: no cover - reported as failure
                pytest.fail(f"demo.jsonl line {lineno}: invalid JSON ({err})")
    return cases


def corpus_paths() -> list[str]:
    return [p.relative_to(ROOT).as_posix() for p in all_corpus_files()]


# --------------------------------------------------------------------------- corpus


def test_document_count() -> None:
    n = len(corpus_documents())
    assert 20 <= n <= 35, f"expected 20-35 corpus documents (README excluded), found {n}"


def test_corpus_readme_exists() -> None:
    assert (CORPUS / "README.md").is_file()


def test_readme_is_documentation_not_a_source() -> None:
    skipped = load(CORPUS / "README.md")
    assert isinstance(skipped, Skipped) and "documentation" in skipped.reason


def _precise(record: dict) -> bool:
    """A label with its section, or a paper or dated guidance with its year."""
    label = str(record.get("label") or "")
    return bool(label) and (bool(record.get("section")) or bool(YEAR.search(f"{label} {record.get('date', '')}")))


@pytest.mark.parametrize("path", corpus_documents(), ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_front_matter(path: Path) -> None:
    meta, body = split_front_matter(path)
    rel = path.relative_to(ROOT)
    assert isinstance(meta.get("title"), str) and meta["title"].strip(), f"{rel}: empty title"
    assert meta.get("audience") in AUDIENCES_DOC, f"{rel}: bad audience {meta.get('audience')!r}"
    records = meta.get("primary_sources")
    assert isinstance(records, list) and records, f"{rel}: primary_sources must be a non-empty list of records"
    for rec in records:
        assert isinstance(rec, dict) and rec.get("id") and rec.get("label"), f"{rel}: record needs id and label: {rec}"
        assert str(rec.get("url", "")).startswith(("https://", "http://")), f"{rel}: record {rec['id']} needs a url"
        assert rec.get("revision") or rec.get("date") or rec.get("section"), f"{rel}: {rec['id']} is undated"
    assert isinstance(meta.get("last_reviewed"), dt.date), f"{rel}: last_reviewed must be a YYYY-MM-DD date"
    assert isinstance(meta.get("license"), str) and meta["license"].strip(), f"{rel}: missing license"
    assert body.strip(), f"{rel}: empty body"
    assert not isinstance(load(path), Skipped), f"{rel}: the loader skips it: {load(path)}"


def _paragraphs(body: str) -> list[str]:
    """Blank-line separated blocks; list items and table rows count as their own paragraph."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", body):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if not lines or lines[0].lstrip().startswith("#"):
            continue
        if all(re.match(r"\s*(?:[-*+]|\d+\.|\|)\s", ln + " ") for ln in lines):
            out.extend(lines)
        else:
            out.append(" ".join(lines))
    return out


@pytest.mark.parametrize("path", corpus_documents(), ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_numbers_are_attributed(path: Path) -> None:
    _, body = split_front_matter(path)
    missing = []
    for para in _paragraphs(body):
        if not NUMBER_WITH_UNIT.search(para):
            continue
        groups = re.findall(r"\(([^()]*)\)", para)
        if not any(ATTRIBUTION_MARKER.search(g) for g in groups):
            missing.append(para[:120])
    assert not missing, f"{path.relative_to(ROOT)}: numbers without a parenthesised source: {missing}"


@pytest.mark.parametrize("path", corpus_documents(), ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_every_number_has_a_precise_primary_source(path: Path) -> None:
    """A paragraph with a figure names, in its marker, records that say exactly where the figure comes from."""
    meta, body = split_front_matter(path)
    records = {str(r["id"]): r for r in meta["primary_sources"]}
    problems = []
    for block in re.split(r"\n[ \t]*\n", body):
        if block.lstrip().startswith("#"):
            continue
        marker = SOURCE_MARKER.search(block)
        prose = SOURCE_MARKER.sub("", block)
        if not ANY_NUMBER.search(prose):
            continue
        ids = re.split(r"[\s,]+", marker.group(1).strip()) if marker else []
        vague = [i for i in ids if not _precise(records.get(i, {}))]
        if not ids or vague:
            problems.append(f"{prose.strip()[:80]!r}: {'no source marker' if not ids else f'imprecise {vague}'}")
    assert not problems, f"{path.relative_to(ROOT)}: " + "; ".join(problems)


@pytest.mark.parametrize("path", corpus_documents(), ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_no_sentence_talks_about_the_corpus(path: Path) -> None:
    """Any sentence may be quoted alone in an answer, so none may point at files, folders or other documents."""
    doc = load(path)
    assert not isinstance(doc, Skipped)
    _, body_start = yaml_free_body_start(doc.text)
    found = [ln.strip() for ln in doc.text[body_start:].splitlines() if SELF_REFERENCE.search(ln)]
    assert not found, f"{path.relative_to(ROOT)}: sentences about the knowledge base: {found}"


def yaml_free_body_start(text: str) -> tuple[str, int]:
    match = FRONT_MATTER.match(text)
    return (text[match.end() :], match.end()) if match else (text, 0)


# --------------------------------------------------------------------------- gold set


def test_dataset_exists() -> None:
    assert DATASET.is_file()


def test_case_schema() -> None:
    cases = load_cases()
    paths = corpus_paths()
    seen: set[str] = set()
    for case in cases:
        cid = case.get("id", "<no id>")
        for field, typ in CASE_FIELDS.items():
            assert field in case, f"{cid}: missing field {field}"
            assert type(case[field]) is typ, f"{cid}: {field} must be {typ.__name__}"
        assert case["id"].strip() and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", case["id"]), f"{cid}: bad id slug"
        assert cid not in seen, f"duplicate id {cid}"
        seen.add(cid)
        assert case["audience"] in AUDIENCES_CASE, f"{cid}: bad audience"
        assert case["behavior"] in BEHAVIORS, f"{cid}: bad behavior"
        assert case["turns"], f"{cid}: empty turns"
        assert all(isinstance(t, str) and t.strip() for t in case["turns"]), f"{cid}: empty turn"
        assert all(isinstance(s, str) and s for s in case["sources"]), f"{cid}: bad source entry"
        assert all(isinstance(f, str) and f for f in case["facts"]), f"{cid}: bad fact entry"
        for fact in case["facts"]:
            try:
                re.compile(fact, re.IGNORECASE)
            except re.error as err:
                pytest.fail(f"{cid}: fact regex {fact!r} does not compile: {err}")
        for src in case["sources"]:
            assert any(src in p for p in paths), f"{cid}: source {src!r} matches no corpus path"
        if case["behavior"] == "answer":
            assert case["sources"], f"{cid}: answer case needs at least one source"
            assert case["facts"], f"{cid}: answer case needs at least one fact"
        else:
            assert not case["sources"] and not case["facts"], f"{cid}: non-answer case must have empty sources/facts"
        if "tags" in case:
            assert isinstance(case["tags"], list) and all(isinstance(t, str) for t in case["tags"]), f"{cid}: bad tags"


def test_required_counts() -> None:
    cases = load_cases()
    by_behavior: dict[str, int] = {}
    for c in cases:
        by_behavior[c["behavior"]] = by_behavior.get(c["behavior"], 0) + 1
    assert len(cases) >= 80, f"only {len(cases)} cases"
    assert sum(1 for c in cases if len(c["turns"]) > 1) >= 15, "need >= 15 multi-turn cases"
    assert by_behavior.get("abstain", 0) >= 10
    assert by_behavior.get("emergency", 0) >= 8
    assert by_behavior.get("refuse_dose", 0) >= 6
    assert by_behavior.get("answer", 0) >= 40
    false_premise = [c for c in cases if "false_premise" in c.get("tags", [])]
    assert len(false_premise) >= 5, "need >= 5 false-premise cases"
    assert all(c["behavior"] == "answer" for c in false_premise)
    audiences = {c["audience"] for c in cases}
    assert audiences == AUDIENCES_CASE, "both audiences must be present"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def test_seed_questions_present() -> None:
    cases = load_cases()

    def present(question: str, audience: str) -> bool:
        return any(
            c["audience"] == audience and c["behavior"] == "answer" and _norm(c["turns"][-1]) == _norm(question)
            for c in cases
        )

    assert present(SEED_CLINICIAN, "clinician"), "seed clinician question missing"
    assert present(SEED_PATIENT, "patient"), "seed patient question missing"


def test_answer_sources_cover_topics() -> None:
    """Answer cases should exercise every corpus folder at least once."""
    cases = load_cases()
    folders = {p.parent.name for p in corpus_documents()}
    cited = " ".join(s for c in cases if c["behavior"] == "answer" for s in c["sources"])
    paths = [p for p in corpus_paths() if any(s in p for s in cited.split())]
    covered = {Path(p).parent.name for p in paths}
    assert folders <= covered, f"folders without answer cases: {sorted(folders - covered)}"


def test_answer_facts_found_in_expected_sources() -> None:
    """Every fact of an answer case must be matchable by the text of some expected source document,
    so that an answer quoting the corpus can satisfy it."""
    texts = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in all_corpus_files()}
    problems = []
    for case in load_cases():
        if case["behavior"] != "answer":
            continue
        docs = [t for p, t in texts.items() if any(s in p for s in case["sources"])]
        for fact in case["facts"]:
            if not any(re.search(fact, t, re.IGNORECASE) for t in docs):
                problems.append(f"{case['id']}: {fact!r}")
    assert not problems, f"facts not found in any expected source: {problems}"

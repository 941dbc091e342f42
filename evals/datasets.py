"""The gold-set schema: load JSONL cases and reject a bad line with one clear message.

A typo in a gold file silently changes what is measured, so every field is checked up front and
the first problem is reported as ``FILE:LINE: what is wrong`` before any question is asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast, get_args

from bot.types import Audience
from ingest.errors import CitebotError

Behavior = Literal["answer", "abstain", "emergency", "refuse_dose"]
BEHAVIORS: tuple[str, ...] = get_args(Behavior)
AUDIENCES: tuple[str, ...] = get_args(Audience)
FIELDS = ("id", "audience", "turns", "behavior", "sources", "facts", "support", "split", "checklist", "tags", "note")
SPLITS = ("dev", "heldout")
DEFAULT_DATASET = Path("evals/datasets/demo.jsonl")
CHECKLISTS = Path(__file__).parent / "datasets" / "seed_checklists.json"
Checklists = dict[str, dict[str, tuple[str, ...]]]  # checklist key -> point name -> regex alternatives


class DatasetError(CitebotError):
    """A gold file that cannot be read or has a malformed case."""


@dataclass(frozen=True)
class Case:
    """One gold conversation: the user's turns, the expected behavior and what a good answer contains."""

    id: str
    audience: Audience
    turns: tuple[str, ...]
    behavior: Behavior
    sources: tuple[str, ...] = ()  # substrings of the source paths a good answer draws on
    facts: tuple[str, ...] = ()  # case-insensitive regexes a good answer matches
    support: tuple[str, ...] = ()  # regexes matching the source sentences a correct answer draws on
    split: str = ""  # "dev" (tune on it) or "heldout" (report only); "" for sets without a split
    checklist: str = ""  # key of a reference-answer checklist (evals/datasets/seed_checklists.json)
    tags: tuple[str, ...] = ()
    note: str = ""

    @property
    def question(self) -> str:
        return self.turns[-1]

    @property
    def history(self) -> tuple[str, ...]:
        """Earlier user turns: ``evals.run.conversation`` asks each in order and passes its answer back, as the
        chat UI does."""
        return self.turns[:-1]

    @property
    def multi_turn(self) -> bool:
        return len(self.turns) > 1


def _strings(value: Any, name: str, allow_empty: bool = True) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"'{name}' must be a list of strings")
    if not allow_empty and (not value or not all(v.strip() for v in value)):
        raise ValueError(f"'{name}' must be a non-empty list of non-empty strings")
    return tuple(value)


def _regexes(value: Any, name: str, what: str) -> tuple[str, ...]:
    patterns = _strings(value, name)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as err:
            raise ValueError(f"{what} {pattern!r} is not a valid regex ({err})") from None
    return patterns


def parse_case(obj: Any) -> Case:
    """Validate one decoded line; ``ValueError`` says which field is wrong."""
    if not isinstance(obj, dict):
        raise ValueError("a case must be a JSON object")
    # Extra fields are allowed (the schema says so; feedback exports carry comment, answer, created).
    for name in ("id", "audience", "turns", "behavior", "sources", "facts"):
        if name not in obj:
            raise ValueError(f"missing required field '{name}'")
    if not isinstance(obj["id"], str) or not obj["id"].strip():
        raise ValueError("'id' must be a non-empty string")
    if obj["audience"] not in AUDIENCES:
        raise ValueError(f"'audience' must be one of {', '.join(AUDIENCES)}, not {obj['audience']!r}")
    if obj["behavior"] not in BEHAVIORS:
        raise ValueError(f"'behavior' must be one of {', '.join(BEHAVIORS)}, not {obj['behavior']!r}")
    facts = _regexes(obj.get("facts", []), "facts", "fact")
    support = _regexes(obj.get("support", []), "support", "support pattern")
    split = obj.get("split", "")
    if split and split not in SPLITS:
        raise ValueError(f"'split' must be one of {', '.join(SPLITS)}, not {split!r}")
    for name in ("note", "checklist"):
        if not isinstance(obj.get(name, ""), str):
            raise ValueError(f"'{name}' must be a string")
    return Case(
        id=obj["id"],
        audience=cast(Audience, obj["audience"]),
        turns=_strings(obj["turns"], "turns", allow_empty=False),
        behavior=cast(Behavior, obj["behavior"]),
        sources=_strings(obj.get("sources", []), "sources"),
        facts=facts,
        support=support,
        split=split,
        checklist=obj.get("checklist", ""),
        tags=_strings(obj.get("tags", []), "tags"),
        note=obj.get("note", ""),
    )


def load_dataset(path: Path) -> list[Case]:
    """All cases of one JSONL file; blank lines are skipped, anything else must be a valid case."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise DatasetError(f"cannot read dataset {path}: {err.strerror or err}") from None
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            case = parse_case(json.loads(line))
        except json.JSONDecodeError as err:
            raise DatasetError(f"{path}:{number}: invalid JSON ({err.msg} at column {err.colno})") from None
        except ValueError as err:
            raise DatasetError(f"{path}:{number}: {err}") from None
        if case.id in seen:
            raise DatasetError(f"{path}:{number}: duplicate id '{case.id}' (first on line {seen[case.id]})")
        seen[case.id] = number
        cases.append(case)
    if not cases:
        raise DatasetError(f"dataset {path} has no cases")
    return cases


def load_datasets(paths: Sequence[Path]) -> list[Case]:
    """Cases of several files in order; an id repeated across files is an error too."""
    cases: list[Case] = []
    where: dict[str, Path] = {}
    for path in paths:
        for case in load_dataset(path):
            if case.id in where:
                raise DatasetError(f"{path}: duplicate id '{case.id}' (also in {where[case.id]})")
            where[case.id] = path
            cases.append(case)
    return cases


def load_checklists(path: Path = CHECKLISTS) -> Checklists:
    """Reference-answer checklists: for each key, the key points and the regexes that state each one."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DatasetError(f"cannot read checklists {path}: {err}") from None
    out: Checklists = {}
    for key, entry in raw.items():
        points = entry.get("points") if isinstance(entry, dict) else None
        if not isinstance(points, dict) or not points:
            raise DatasetError(f"{path}: checklist '{key}' needs a non-empty 'points' object")
        try:
            out[key] = {name: _regexes(patterns, name, "checklist pattern") for name, patterns in points.items()}
        except ValueError as err:
            raise DatasetError(f"{path}: checklist '{key}': {err}") from None
    return out


def checklists_for(cases: Sequence[Case], path: Path = CHECKLISTS) -> Checklists:
    """The checklists the cases name; a name with no checklist is an error before any question is asked."""
    wanted = {c.checklist for c in cases if c.checklist}
    if not wanted:
        return {}
    available = load_checklists(path)
    missing = sorted(wanted - set(available))
    if missing:
        raise DatasetError(f"unknown checklist(s) {', '.join(missing)} (known: {', '.join(sorted(available))})")
    return {k: available[k] for k in wanted}

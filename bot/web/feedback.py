"""Thumbs up/down on answers, kept durably in SQLite, and exported as eval cases for review.

Users' thumbs-down are the cheapest source of new regression cases: ``export_eval_cases`` turns each
into a gold-set line (facts left empty for a reviewer to fill). One connection per call keeps the
store safe to use from the UI's and the API's worker threads; WAL lets readers and a writer overlap.

Patients type names, birth dates and phone numbers into chat boxes, so every text is redacted
(``bot.web.privacy.redact``) before it is stored, again on export (rows from before redaction), and rows
older than the retention period are deleted on open and, at most hourly, on write.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from bot.web.privacy import redact
from ingest.errors import CitebotError

FEEDBACK_FILE = "feedback.sqlite3"
MAX_COMMENT_CHARS = 2000
PURGE_EVERY_S = 3600.0
Rating = Literal["up", "down"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    question TEXT NOT NULL,
    history TEXT NOT NULL,
    audience TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT ''
)
"""


@dataclass(frozen=True)
class Feedback:
    """One stored rating with everything needed to replay the question."""

    id: int
    created: str
    question: str
    history: list[str]
    audience: str
    answer: str
    citations: list[dict[str, Any]]
    rating: Rating
    comment: str

    def eval_case(self) -> dict[str, Any]:
        """The gold-set line for this item; ``facts`` is left for a reviewer to fill."""
        sources: list[str] = []
        for c in self.citations:
            src = str(c.get("source", ""))
            if src and src not in sources:
                sources.append(src)
        return {
            "id": f"feedback-{self.id}",
            "audience": self.audience,
            "turns": [*self.history, self.question],
            "behavior": "answer",
            "sources": sources,
            "facts": [],
            "comment": self.comment,
            "answer": self.answer,
            "created": self.created,
        }


class FeedbackStore:
    """SQLite file of ratings; created on first use under ``settings.data_dir``.

    ``retention_days`` (0 = keep forever) bounds how long anything a user typed is kept.
    """

    def __init__(self, path: Path, retention_days: int = 90, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self.retention_days = retention_days
        self.clock = clock
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
            self.purge()
        except (OSError, sqlite3.Error) as err:
            raise CitebotError(f"cannot open the feedback database {path}: {err}") from None

    @classmethod
    def in_dir(cls, data_dir: Path, retention_days: int = 90) -> FeedbackStore:
        return cls(data_dir / FEEDBACK_FILE, retention_days)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection committed on success; FULL sync so an answered 'thanks' is on disk.

        secure_delete: a purged or taken-back row is overwritten, not left readable in the file's free pages.
        """
        with closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA secure_delete=ON")
            with db:
                yield db

    def purge(self) -> int:
        """Delete the rows older than the retention period; returns how many went."""
        self._purged = self.clock()
        if not self.retention_days:
            return 0
        cutoff = (datetime.now(UTC) - timedelta(days=self.retention_days)).isoformat(timespec="seconds")
        with self._connect() as db:  # ISO-8601 UTC strings of one format sort as their times do
            return db.execute("DELETE FROM feedback WHERE created < ?", (cutoff,)).rowcount

    def record(
        self,
        question: str,
        history: Sequence[str],
        audience: str,
        answer: str,
        citations: Sequence[dict[str, Any]],
        rating: Rating,
        comment: str = "",
    ) -> int:
        """Store one rating, with every text redacted, and return its id (to attach a comment later)."""
        if rating not in ("up", "down"):
            raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
        if self.clock() - self._purged >= PURGE_EVERY_S:
            self.purge()
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            cur = db.execute(
                "INSERT INTO feedback (created, question, history, audience, answer, citations, rating, comment)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    created,
                    redact(question),
                    json.dumps([redact(h) for h in history], ensure_ascii=False),
                    audience,
                    redact(answer),
                    json.dumps(list(citations), ensure_ascii=False),
                    rating,
                    redact(comment.strip()[:MAX_COMMENT_CHARS]),
                ),
            )
            return int(cur.lastrowid or 0)

    def set_comment(self, item_id: int, comment: str) -> bool:
        """Attach (or replace) the comment of a stored rating; False when the id is unknown."""
        with self._connect() as db:
            cur = db.execute(
                "UPDATE feedback SET comment = ? WHERE id = ?", (redact(comment.strip()[:MAX_COMMENT_CHARS]), item_id)
            )
            return cur.rowcount > 0

    def set_rating(self, item_id: int, rating: Rating) -> bool:
        """A user who changes their mind updates the row instead of adding a second one."""
        with self._connect() as db:
            return db.execute("UPDATE feedback SET rating = ? WHERE id = ?", (rating, item_id)).rowcount > 0

    def delete(self, item_id: int) -> bool:
        """A user who clicks their thumb again takes the rating back."""
        with self._connect() as db:
            return db.execute("DELETE FROM feedback WHERE id = ?", (item_id,)).rowcount > 0

    def items(self, rating: Rating | None = None) -> list[Feedback]:
        query = "SELECT id, created, question, history, audience, answer, citations, rating, comment FROM feedback"
        args: tuple[str, ...] = ()
        if rating is not None:
            query += " WHERE rating = ?"
            args = (rating,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY id", args).fetchall()
        return [
            Feedback(
                id=r[0],
                created=r[1],
                question=r[2],
                history=json.loads(r[3]),
                audience=r[4],
                answer=r[5],
                citations=json.loads(r[6]),
                rating=r[7],
                comment=r[8],
            )
            for r in rows
        ]

    def export_eval_cases(self, out: Path) -> int:
        """Write every thumbs-down as one gold-set JSON line; returns how many were written.

        Redacted again: rows stored before redaction existed must not leave the database in clear.
        """
        cases = []
        for item in self.items("down"):
            case = item.eval_case()
            case.update(
                turns=[redact(t) for t in case["turns"]], comment=redact(case["comment"]), answer=redact(case["answer"])
            )
            cases.append(case)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("w", encoding="utf-8") as fh:
                for case in cases:
                    fh.write(json.dumps(case, ensure_ascii=False) + "\n")
        except OSError as err:
            raise CitebotError(f"cannot write {out}: {err}") from None
        return len(cases)

"""User-facing errors: the CLI prints their message as one line instead of a traceback."""


class CitebotError(Exception):
    """A problem the user can fix; ``exit_code`` is what the CLI exits with."""

    exit_code = 2


class IndexMissing(CitebotError):
    """No index exists yet where one was expected."""


class IndexMismatch(CitebotError):
    """The index was built with another model, dimension or chunker."""


class IndexCorrupt(CitebotError):
    """The index files exist but cannot be read."""


class SearchUnavailable(CitebotError):
    """The Chroma server does not answer (stopped, restarting, too slow); a retry later may work.

    Exit code 75 is sysexits' EX_TEMPFAIL: scripts can tell "try again" from "fix something".
    """

    exit_code = 75


class IndexBusy(CitebotError):
    """Another ingest holds the index's writer lock."""

    exit_code = 3

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


class IndexBusy(CitebotError):
    """Another ingest holds the index's writer lock."""

    exit_code = 3

"""citebot's front door: the ``citebot`` command dispatching to ingest, bot and evals."""

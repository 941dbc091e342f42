"""``citebot bench``, split by concern: ``corpus`` (what is ingested and searched), ``rival`` (the plain
LangChain pipeline), ``ingest_timing``, ``latency`` (retrieval at scale, ask, cold start), ``quality``
(embedding parity), ``report`` and ``cli``. The stable entry points are re-exported here.
"""

from evals.bench.cli import add_parser, run
from evals.bench.latency import chroma_server
from evals.bench.rival import plain_chunks, plain_pipeline

__all__ = ["add_parser", "chroma_server", "plain_chunks", "plain_pipeline", "run"]

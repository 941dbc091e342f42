"""The rival: a plain LangChain pipeline as a tutorial would write it (splitter 1000/200,
``HuggingFaceEmbeddings`` on the same bundled model, ``Chroma.from_documents``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plain_chunks(corpus: Path) -> list[str]:
    """The plain pipeline's chunks: LangChain's recursive splitter at 1000/200 characters."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt"))
    return [t for p in files for t in splitter.split_text(p.read_text())]


def plain_pipeline(corpus: Path, persist: Path) -> dict[str, Any]:
    """The plain LangChain pipeline, as a tutorial would write it: split, embed, persist ``corpus`` to ``persist``.

    Stable import path for other evals: ``from evals.bench import plain_pipeline``.
    """
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from ingest.embed import bundled_model_path

    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt"))
    docs = [Document(page_content=p.read_text(), metadata={"source": str(p)}) for p in files]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(docs)
    embeddings = HuggingFaceEmbeddings(model_name=str(bundled_model_path()), model_kwargs={"device": "cpu"})
    Chroma.from_documents(splits, embeddings, persist_directory=str(persist), collection_name="plain")
    return {"chunks": len(splits)}

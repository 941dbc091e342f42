"""Answers questions from the index: retrieval, prompting, LLM or extractive answering, verification.

Imports ``ingest`` (below it) and nothing above it.
"""

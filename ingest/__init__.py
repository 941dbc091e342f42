"""Turns source documents into chunks embedded in Chroma plus a lexical index.

The bottom layer: it imports nothing from ``bot``, ``evals`` or ``citebot``.
"""

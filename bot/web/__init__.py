"""Serving: the Gradio chat, the widget, the OpenAI-compatible /v1 API, feedback storage and answer rendering.

The answering engine (the rest of ``bot``) never imports this package.
"""

"""Tunesmith: a self-hosted music generation service speaking the Suno-style task APIs."""

__version__ = "0.1.0"

"""Durable storage of tasks, clips, keys, credits and callbacks (SQLAlchemy: SQLite or PostgreSQL)."""

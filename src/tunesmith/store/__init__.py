"""Durable storage for tasks, clips, keys, credits and callback deliveries (SQLAlchemy: SQLite or PostgreSQL)."""

"""Alembic environment for the store schema, configured in code by tunesmith.store.migrate."""

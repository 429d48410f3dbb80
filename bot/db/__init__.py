"""Database: the engine and session factory, typed models and Alembic migrations."""

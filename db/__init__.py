"""Local storage: typed SQLAlchemy models, engine and shipped Alembic migrations."""

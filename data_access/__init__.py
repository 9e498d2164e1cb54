"""The only package that talks to storage: one module per platform over SQLAlchemy 2."""

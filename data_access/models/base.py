"""Every table's declarative base: one registry, so string foreign keys resolve across the area modules."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass

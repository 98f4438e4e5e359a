"""The PMO core's aggregates: what a new PMO keeps from day one.

Each module holds one aggregate, its events (past tense, nested, with explicit topics) and
its guard errors. No Flask, no marshmallow, no database.
"""
from core.domain.errors import DomainError, NotAllowedError, NotFoundError, ValidationError

__all__ = ["DomainError", "NotAllowedError", "NotFoundError", "ValidationError"]

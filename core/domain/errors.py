"""Domain errors; the web layer maps each family to one HTTP status in one place."""


class DomainError(Exception):
    """A command that the domain refuses (HTTP 422 / form error)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DomainError):
    """Input that is well-formed but not acceptable (end before start, unknown stage...)."""


class NotAllowedError(DomainError):
    """A transition the entity's state does not allow (edit a published report...)."""


class NotFoundError(DomainError):
    """No such entity."""


class ConflictError(DomainError):
    """The entity changed since the caller read it, or the identity is taken (HTTP 409)."""

    def __init__(self, message: str, current_version: int | None = None):
        super().__init__(message)
        self.current_version = current_version

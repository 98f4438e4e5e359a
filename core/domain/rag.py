"""Red/amber/green ratings, the PMO's traffic lights."""
from core.domain.errors import ValidationError

RAG = ("green", "amber", "red")


def check_rag(value: str, field: str) -> str:
    if value not in RAG:
        raise ValidationError(f"{field} must be one of {', '.join(RAG)}", field)
    return value

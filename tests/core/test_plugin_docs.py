"""docs/plugins.md documents every hook, with its arguments, and no hook that does not exist."""
import inspect
import re
from pathlib import Path

from core import hookspecs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
HEADING = re.compile(r"^### `(\w+)\(([^)]*)\)`\s*$", re.M)


def hookspec_signatures() -> dict[str, list[str]]:
    return {name: list(inspect.signature(f).parameters)
            for name, f in vars(hookspecs).items() if inspect.isfunction(f) and hasattr(f, "pmo_spec")}


def documented_hooks() -> list[tuple[str, list[str]]]:
    reference = DOCS.read_text().split("## Reference: every hook", 1)[1]
    return [(name, [a.strip() for a in args.split(",") if a.strip()]) for name, args in HEADING.findall(reference)]


def test_the_reference_documents_every_hook_with_its_arguments_and_nothing_else():
    specs, documented = hookspec_signatures(), documented_hooks()
    names = [name for name, _ in documented]
    assert len(names) == len(set(names)), "a hook is documented twice"
    assert sorted(set(specs) - set(names)) == [], "hooks missing from docs/plugins.md"
    assert sorted(set(names) - set(specs)) == [], "docs/plugins.md documents hooks that do not exist"
    wrong = {name: (args, specs[name]) for name, args in documented if args != specs[name]}
    assert wrong == {}, "documented arguments differ from the hookspecs (documented, actual)"

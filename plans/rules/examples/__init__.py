"""Example rule sets shipped with Mukhattat, built only from cited, confirmed figures."""

from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent


def example_files() -> tuple[Path, ...]:
    """Return the shipped example rule-set files, sorted by name."""
    return tuple(sorted(EXAMPLES_DIR.glob("*.yaml")))

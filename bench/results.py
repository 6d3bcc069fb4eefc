"""Where each benchmark writes its results: a Markdown file beside its script."""

from __future__ import annotations

from pathlib import Path


def write_results(script: str, lines: list[str]) -> None:
    """Write ``lines`` to the ``.md`` file named after ``script`` and show them."""
    out = Path(script).with_suffix(".md")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))

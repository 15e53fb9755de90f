"""Every generated document, and the one command that writes them all: `python -m ccgraph.docs`.

A document is generated whole (the check catalogue, the scenario's JSON schema, the command
reference) or in part, between `<!-- generated: NAME -->` and `<!-- end: NAME -->` (the table of
sources in docs/data.md). `stale()` names those that differ from what the code makes; a test
holds it empty, so documents cannot drift from the code.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import click

__all__ = ["DOCUMENTS", "cli_reference", "regenerate", "stale", "with_part"]


def _catalogue() -> str:
    from queries.registry import catalogue_markdown

    return catalogue_markdown()


def _schema() -> str:
    from loaders.scenario import json_schema

    return json.dumps(json_schema(), indent=2) + "\n"


def _sources() -> str:
    from loaders.manifest import sources_markdown

    return sources_markdown()


def _registers() -> str:
    from loaders.registers import TEMPLATES

    lines = []
    for kind, template in TEMPLATES.items():
        lines += [f"### `{kind}`", "", "| column | what it holds |", "|---|---|"]
        lines += [f"| `{column}` | {_cell(holds)} |" for column, holds in template.columns.items()]
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def cli_reference() -> str:
    """Every `ccgraph` command with its options, as Markdown (docs/cli.md)."""
    from ccgraph.cli import main

    lines = [
        "# Command reference",
        "",
        "Generated from the command line's own definitions by `python -m ccgraph.docs`; a test",
        "fails when it is stale. `ccgraph COMMAND --help` prints the same.",
        "",
    ]
    lines += _command(main, "ccgraph", main)
    return "\n".join(lines).rstrip() + "\n"


def _command(
    command: click.Command, name: str, root: click.Command, parent: click.Context | None = None
) -> list[str]:
    # as click makes it when the command runs (settings such as `-h` for help included)
    context = click.Context(command, info_name=name, parent=parent, **command.context_settings)
    lines = [f"## `{name}`" if command is not root else "## `ccgraph` (options for every command)", ""]
    lines += [inspect.cleandoc(command.help or ""), "", "```text", command.get_usage(context), "```", ""]
    rows = [record for param in command.get_params(context) if (record := param.get_help_record(context))]
    if rows:
        lines += ["| option | what it does |", "|---|---|"]
        lines += [f"| `{_cell(opts)}` | {_cell(text)} |" for opts, text in rows]
        lines.append("")
    if isinstance(command, click.Group):
        for sub in sorted(command.list_commands(context)):
            child = command.get_command(context, sub)
            if child is not None and not child.hidden:
                lines += _command(child, f"{name} {sub}", root, context)
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|")  # a bar inside a table cell, even in code, must be escaped


# path (from the repository root) -> (part name, or "" for the whole file; what makes it)
DOCUMENTS: dict[str, tuple[str, Callable[[], str]]] = {
    "docs/checks.md": ("", _catalogue),
    "docs/scenario.schema.json": ("", _schema),
    "docs/cli.md": ("", cli_reference),
    "docs/data.md": ("sources", _sources),
    "docs/registers.md": ("columns", _registers),
}


def with_part(text: str, part: str, made: str) -> str:
    """`text` with its generated part (or the whole of it) replaced by `made`."""
    if not part:
        return made
    pattern = re.compile(rf"(<!-- generated: {part} -->\n).*?(\n<!-- end: {part} -->)", re.S)
    if not pattern.search(text):
        raise ValueError(f"no '<!-- generated: {part} -->' ... '<!-- end: {part} -->' markers")
    return pattern.sub(lambda m: m.group(1) + made + m.group(2), text)


def _changes(root: Path) -> dict[Path, str]:
    """Each generated document under `root` that differs from what the code makes now, with
    the text it should have (each made once)."""
    changes = {}
    for path, (part, make) in DOCUMENTS.items():
        file = root / path
        current = file.read_text(encoding="utf-8") if file.is_file() else ""
        if (made := with_part(current, part, make())) != current:
            changes[file] = made
    return changes


def stale(root: Path) -> list[str]:
    """The generated documents under `root` that differ from what the code makes now."""
    return [file.relative_to(root).as_posix() for file in _changes(root)]


def regenerate(root: Path) -> list[str]:
    """Write every stale generated document under `root`; returns those written."""
    changes = _changes(root)
    for file, text in changes.items():
        file.write_text(text, encoding="utf-8")
    return [file.relative_to(root).as_posix() for file in changes]


if __name__ == "__main__":
    repository = Path(__file__).resolve().parents[1]
    changed = regenerate(repository)
    print("\n".join(f"wrote {p}" for p in changed) or "every generated document is current")
    sys.exit(0)

"""The command-line reference, ``docs/cli.md``: every command's ``--help``, from the click tree.

Regenerate it after changing a command, an option or a help text::

    python -m connectomedb.commands.reference > docs/cli.md

``tests/test_cli_reference.py`` regenerates it and fails, with the difference, when the
committed file is not what the commands print.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import click

#: Columns the help is wrapped to, whatever the terminal: the reference is the same everywhere.
WIDTH = 100

HEADER = """\
# Command-line reference

Every command's `--help`, generated from the commands themselves by
`python -m connectomedb.commands.reference > docs/cli.md` (a test fails when this file differs
from what they print). `connectomedb COMMAND -h` prints the same in a terminal.
"""


def contexts(
    command: click.Command, name: str, parent: click.Context | None = None
) -> Iterator[click.Context]:
    """A context for ``command`` and for each of its visible subcommands, depth first, in the
    order ``connectomedb --help`` lists them."""
    settings = {**command.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    ctx = click.Context(command, info_name=name, parent=parent, **settings)
    yield ctx
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            child = command.get_command(ctx, sub)
            if child is not None and not child.hidden:
                yield from contexts(child, sub, ctx)


def reference(root: click.Command | None = None) -> str:
    """The Markdown of ``docs/cli.md``: an index, then one section per command."""
    if root is None:
        from connectomedb.cli import main

        root = main
    pages = [(ctx.command_path, ctx.get_help()) for ctx in contexts(root, "connectomedb")]
    index = [f"- [`{path}`](#{path.replace(' ', '-')})" for path, _ in pages]
    sections = [f"## {path}\n\n```text\n{text}\n```\n" for path, text in pages]
    return "\n".join([HEADER, *index, "", *sections])


def main() -> None:
    sys.stdout.write(reference())


if __name__ == "__main__":  # pragma: no cover
    main()

"""The command line: a thin layer over the library.

Each area of the tool keeps its subcommands in ``connectomedb/commands/<area>.py`` and exposes
``register(group)``; this module builds the group, the shared options and the error handling.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from typing import Any

import click

from connectomedb import __version__
from connectomedb.errors import ConnectomeDBError

# The embedded server's package asks for a runtime folder that headless machines often lack and
# falls back to /tmp by itself; the warning it prints on every command is noise to our users.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

#: The modules under ``connectomedb.commands`` that add subcommands, in help order.
COMMAND_MODULES = (
    "synth",
    "load",
    "db",
    "info",
    "query",
    "motif",
    "cypher",
    "export",
    "report",
    "demo",
    "serve",
    "volumes",
    "locate",
    "check",
    "tracings",
    "training",
)


class _Group(click.Group):
    """Prints connectomedb's own errors as one message without a traceback, exit code per error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConnectomeDBError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(error.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="connectomedb")
def main() -> None:
    """connectomedb: the L4 dense connectome in PostgreSQL and a graph database.

    \b
    Example:
      connectomedb synth demo-data --scale demo
      connectomedb load demo-data
      connectomedb query run class_matrix --dataset demo-data
    """


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"connectomedb.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"connectomedb.commands.{name}":
                continue  # that area has no commands yet
            raise
        module.register(main)


_register_all()

if __name__ == "__main__":  # pragma: no cover
    main()

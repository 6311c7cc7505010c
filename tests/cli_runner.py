"""A click test runner that keeps stderr apart from stdout under every supported click.

click 8.2 and later always capture the two streams apart; click 8.1 (which the NML reader's
library pins) mixes them unless asked not to.
"""

from __future__ import annotations

from click.testing import CliRunner


def cli_runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]  # click < 8.2
    except TypeError:
        return CliRunner()  # click >= 8.2

"""Passwords never appear in output, whatever form of connection string carries them: the
user information of a URL (also with unencoded ``/``, ``@``, ``:`` or ``?``), the
``password``/``sslpassword`` query parameters, and ``key=value`` connection strings."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import run_cli
from support.datasets import valid_dataset

from connectomedb.config import mask_secrets, mask_url

SECRET = "Sup3r/S@cr:t?"

#: (URL as the user types it, as it is shown).
FORMS = [
    ("postgresql://alice:plain@127.0.0.1:1/db", "postgresql://alice:***@127.0.0.1:1/db"),
    (f"postgresql://alice:{SECRET}@127.0.0.1:1/db", "postgresql://alice:***@127.0.0.1:1/db"),
    ("postgresql://alice:pa/ss@127.0.0.1:1/db", "postgresql://alice:***@127.0.0.1:1/db"),
    ("postgresql://alice:p@ss@127.0.0.1:1/db", "postgresql://alice:***@127.0.0.1:1/db"),
    ("postgresql://alice:p%40ss@127.0.0.1:1/db", "postgresql://alice:***@127.0.0.1:1/db"),
    ("postgres://alice:x@127.0.0.1:1", "postgres://alice:***@127.0.0.1:1"),
    (
        "postgresql://alice@127.0.0.1:1/db?password=plain",
        "postgresql://alice@127.0.0.1:1/db?password=***",
    ),
    (
        "postgresql://127.0.0.1:1/db?sslmode=disable&password=pl%2Fain&user=alice",
        "postgresql://127.0.0.1:1/db?sslmode=disable&password=***&user=alice",
    ),
    ("postgresql:///db?host=/tmp&PASSWORD=plain", "postgresql:///db?host=/tmp&PASSWORD=***"),
    (
        "postgresql://alice@127.0.0.1:1/db?sslpassword=plain",
        "postgresql://alice@127.0.0.1:1/db?sslpassword=***",
    ),
    (
        "postgresql://alice:one@127.0.0.1:1/db?password=two",
        "postgresql://alice:***@127.0.0.1:1/db?password=***",
    ),
    (
        "host=127.0.0.1 port=1 user=alice password=plain dbname=db",
        "host=127.0.0.1 port=1 user=alice password=*** dbname=db",
    ),
    (
        "host=127.0.0.1 port=1 password = 'with space\\' quote' dbname=db",
        "host=127.0.0.1 port=1 password = *** dbname=db",
    ),
    ("password=plain host=127.0.0.1 port=1", "password=*** host=127.0.0.1 port=1"),
    ("bolt://neo4j:pa@ss@127.0.0.1:1", "bolt://neo4j:***@127.0.0.1:1"),
]
#: Nothing to hide: shown as given.
PLAIN = [
    "postgresql://alice@127.0.0.1:1/db",
    "postgresql://127.0.0.1:5432/db?application_name=a@b",
    "postgresql:///db?host=/tmp/x",
    "host=/tmp dbname=db user=alice",
]


@pytest.mark.parametrize("url,shown", FORMS)
def test_every_credential_form_is_masked(url: str, shown: str) -> None:
    assert mask_url(url) == shown


@pytest.mark.parametrize("url", PLAIN)
def test_urls_without_a_password_are_shown_as_given(url: str) -> None:
    assert mask_url(url) == url


def test_driver_messages_lose_the_secret_and_quoted_fragments_of_it() -> None:
    url = "host=h password='se cret x' dbname=d"
    text = 'missing "=" after "cret x\'" in connection info string; got se cret x'
    assert mask_secrets(text, url) == ('missing "=" after "***" in connection info string; got ***')
    assert mask_secrets("bad p%40ss and p@ss", "postgresql://a:p%40ss@h/d") == ("bad *** and ***")


def _secrets(url: str) -> list[str]:
    from connectomedb.config import secrets_of

    return [s for s in secrets_of(url) if len(s) >= 2]


@pytest.mark.parametrize(
    "url,shown", [f for f in FORMS if not f[0].startswith("bolt") and ":///" not in f[0]]
)
def test_the_command_never_prints_the_password(url: str, shown: str, tmp_path: Path) -> None:
    """``info`` and ``load`` against a server that is not there: one clean error line, the URL
    masked, the password nowhere."""
    folder = valid_dataset(tmp_path / "tiny", seed=0)
    commands = [["info"]]
    if FORMS.index((url, shown)) % 3 == 0:  # load: a third of them
        commands.append(["load", str(folder), "--dataset", "x"])
    shown = shown.replace("postgres://", "postgresql://")  # the settings spell it so
    for args in commands:
        result = run_cli(*args, "--postgres-url", url, "--home", str(tmp_path / "h"), timeout=120)
        text = result.stdout + result.stderr
        assert "Traceback" not in text
        for secret in _secrets(url):
            assert secret not in text, (args, secret, text)
        assert shown in text, (args, text)


def test_info_with_a_query_password_on_a_running_server(
    fresh_embedded_db_url: str, tmp_path: Path
) -> None:
    sep = "&" if "?" in fresh_embedded_db_url else "?"
    url = f"{fresh_embedded_db_url}{sep}password=Qu3ry-S3cret"
    result = run_cli("info", "--postgres-url", url, "--home", str(tmp_path / "h"))
    assert result.returncode == 0, result.stderr
    assert "Qu3ry-S3cret" not in result.stdout + result.stderr
    assert "password=***" in result.stdout

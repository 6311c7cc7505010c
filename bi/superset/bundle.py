"""Build the importable Superset bundle of connectomedb's dashboard (standard library only).

    CONNECTOMEDB_READER_PASSWORD=... python bi/superset/bundle.py --host 127.0.0.1 --port 5432 \
        --login superset --out connectomedb_dashboard.zip
    superset import-dashboards --path connectomedb_dashboard.zip --username admin

The folder ``connectomedb/`` beside this script is the dashboard in Superset's export format
(metadata.yaml, databases/, datasets/, charts/, dashboards/). The bundle is that folder with
the database URI pointed at HOST:PORT as LOGIN and the login's password, read from an
environment variable (never from the command line), in the database's ``password`` field.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

FOLDER = Path(__file__).resolve().parent / "connectomedb"
ROOT = "connectomedb_dashboard"
DATABASE = Path("databases") / "connectomedb.yaml"
#: Superset's placeholder for a password that the bundle carries separately.
MASK = "XXXXXXXXXX"


def database_yaml(text: str, host: str, port: int, login: str, database: str,
                  password: str) -> str:
    where = f"[{host}]" if ":" in host else host
    uri = (f"postgresql+psycopg2://{quote(login, safe='')}:{MASK}@{where}:{port}/"
           f"{quote(database, safe='')}")
    text = re.sub(r"^sqlalchemy_uri: .*$", f"sqlalchemy_uri: {uri}", text, flags=re.M)
    # A JSON string is a valid YAML double-quoted scalar.
    return text.rstrip("\n") + f"\npassword: {json.dumps(password)}\n"


def build(out: Path, host: str, port: int, login: str, database: str, password: str) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(FOLDER.rglob("*.yaml")):
            relative = path.relative_to(FOLDER)
            text = path.read_text(encoding="utf-8")
            if relative == DATABASE:
                text = database_yaml(text, host, port, login, database, password)
            bundle.writestr(f"{ROOT}/{relative.as_posix()}", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="PostgreSQL host as Superset sees it")
    parser.add_argument("--port", type=int, default=5432)
    parser.add_argument("--login", default="superset", help="read-only login (grant-reader)")
    parser.add_argument("--database", default="connectomedb")
    parser.add_argument("--password-env", default="CONNECTOMEDB_READER_PASSWORD",
                        help="environment variable holding the login's password")
    parser.add_argument("--out", type=Path, default=Path("connectomedb_dashboard.zip"))
    args = parser.parse_args(argv)
    password = os.environ.get(args.password_env)
    if not password:
        print(f"Error: set the environment variable {args.password_env} to the password of "
              f"{args.login}.", file=sys.stderr)
        return 2
    build(args.out, args.host, args.port, args.login, args.database, password)
    print(f"Wrote {args.out}: superset import-dashboards --path {args.out} --username admin")
    return 0


if __name__ == "__main__":
    sys.exit(main())

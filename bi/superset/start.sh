#!/bin/sh
# Start Superset with connectomedb's dashboard imported (the superset service of
# docker-compose.yml). The read-only login's password comes from the environment.
set -e
: "${SUPERSET_SECRET_KEY:?set SUPERSET_SECRET_KEY to a long random string}"
: "${SUPERSET_ADMIN_PASSWORD:?set SUPERSET_ADMIN_PASSWORD}"
: "${CONNECTOMEDB_READER_PASSWORD:?set the password of the read-only login}"
superset db upgrade
superset fab create-admin --username admin --firstname Admin --lastname Superset \
    --email admin@localhost --password "$SUPERSET_ADMIN_PASSWORD" || true
superset init
python /connectomedb-bi/bundle.py --host "${CONNECTOMEDB_BI_HOST:-postgres}" \
    --port "${CONNECTOMEDB_BI_PORT:-5432}" --login "${CONNECTOMEDB_BI_LOGIN:-superset}" \
    --out /tmp/connectomedb_dashboard.zip
superset import-dashboards --path /tmp/connectomedb_dashboard.zip --username admin
exec /usr/bin/run-server.sh

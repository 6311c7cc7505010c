"""The Cypher and SQL consoles behind ``connectomedb cypher`` and ``connectomedb sql``.

:mod:`~connectomedb.console.text` splits input into statements and finds the clauses that
write; :mod:`~connectomedb.console.cypher` and :mod:`~connectomedb.console.sql` run statements
on the configured graph and PostgreSQL, read-only unless asked otherwise;
:mod:`~connectomedb.console.prompt` is the interactive prompt.
"""

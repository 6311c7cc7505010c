// Lints Cypher statements with Neo4j's own Cypher analyser (@neo4j-cypher/language-support).
//
// stdin:  {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...],
//                     "graphSchema": [{"from": "A", "relType": "R", "to": "B"}, ...]},
//          "versions": ["CYPHER 5", ...],
//          "statements": [{"id": "...", "text": "...", "parameters": {"name": value, ...},
//                          "extraPropertyKeys": ["..."]}]}
// stdout: {"package": "<name>@<version>",
//          "results": [{"id": "...", "version": "CYPHER 5",
//                       "diagnostics": [{"severity": "error", "message": "...",
//                                        "line": 1, "column": 5, "offset": 4}]}]}
//
// Built-in functions and procedures (with their deprecations) come from the registry the
// package ships, so an unknown or deprecated function or procedure is reported too.
import { readFileSync } from 'node:fs';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

const here = new URL('.', import.meta.url);
const pkg = JSON.parse(
  readFileSync(new URL('node_modules/@neo4j-cypher/language-support/package.json', here), 'utf8'),
);
const input = JSON.parse(readFileSync(0, 'utf8'));
const builtins = testData.mockSchema;
const results = [];
for (const version of input.versions ?? ['CYPHER 5']) {
  for (const statement of input.statements) {
    const dbSchema = {
      ...input.schema,
      propertyKeys: [
        ...(input.schema.propertyKeys ?? []),
        ...(statement.extraPropertyKeys ?? []),
      ],
      functions: builtins.functions,
      procedures: builtins.procedures,
      parameters: statement.parameters ?? {},
      defaultLanguage: version,
    };
    const { diagnostics } = lintCypherQuery(statement.text, dbSchema, {
      consoleCommandsEnabled: false,
    });
    results.push({
      id: statement.id,
      version,
      diagnostics: diagnostics.map((d) => ({
        severity: SEVERITY[d.severity] ?? String(d.severity),
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        offset: d.offsets?.start ?? null,
      })),
    });
  }
}
process.stdout.write(JSON.stringify({ package: `${pkg.name}@${pkg.version}`, results }));

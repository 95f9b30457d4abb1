// Loads the schema the way GraphiQL and code generators do: graphql-js's full introspection
// query over HTTP, then buildClientSchema. Usage: node introspection.mjs URL [TOKEN]
// Exits non-zero (with the reason on stderr) unless the server's schema is the committed one.
import { readFileSync } from 'node:fs';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
  validateSchema,
} from 'graphql';

const [url, token] = process.argv.slice(2);
const query = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
});
const response = await fetch(url, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
  body: JSON.stringify({ query, operationName: 'IntrospectionQuery' }),
});
const body = await response.json();
if (!response.ok || body.errors) {
  console.error(`HTTP ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  process.exit(1);
}
// async-graphql answers `__schema { description }` with the text that describes `__Schema`
// itself, not a description of this schema; the committed SDL rightly has none.
body.data.__schema.description = null;
const served = buildClientSchema(body.data);
const problems = validateSchema(served);
if (problems.length > 0) {
  console.error(problems.map(String).join('\n'));
  process.exit(1);
}
const committed = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
const print = (schema) => printSchema(lexicographicSortSchema(schema));
if (print(served) !== print(committed)) {
  console.error('the introspected schema differs from schema.graphql');
  process.exit(1);
}
console.log(`${Object.keys(served.getTypeMap()).length} types`);

// Runs GraphQL Code Generator with the settings of examples/clients/codegen.ts (against
// schema.graphql) into a scratch folder, so the example documents never drift from the schema:
// an unknown field, a wrong argument or an unmapped scalar fails the run.
// Usage: node codegen.mjs OUT_DIR
import { generate } from '@graphql-codegen/cli';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [out] = process.argv.slice(2);
const examples = new URL('../../examples/clients/', import.meta.url).pathname;
// codegen.ts is TypeScript for the teams who copy it; its settings are plain data once the
// type annotations are taken off.
const source = readFileSync(join(examples, 'codegen.ts'), 'utf8')
  .replace(/^import type .*$/m, '')
  .replace('const config: CodegenConfig =', 'const config =')
  .replace('export default config;', 'return config;');
const settings = new Function(source)();
const [target] = Object.values(settings.generates);
const files = await generate(
  {
    ...settings,
    schema: join(examples, settings.schema),
    documents: settings.documents.map((d) => join(examples, d)),
    generates: { [`${out}/`]: target },
    silent: true,
  },
  true,
);
const manifest = files.find((f) => f.filename.endsWith('persisted-documents.json'));
if (!manifest) throw new Error('no persisted-documents.json was written');
const operations = Object.keys(JSON.parse(manifest.content)).length;
const documents = readdirSync(join(examples, 'queries')).length;
if (operations !== documents) throw new Error(`${operations} persisted operations for ${documents} documents`);
console.log(`${files.length} files, ${operations} persisted operations`);

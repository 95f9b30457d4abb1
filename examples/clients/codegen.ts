// GraphQL Code Generator for a dashboard written in TypeScript.
//
//   npm i -D @graphql-codegen/cli @graphql-codegen/client-preset graphql
//   npx graphql-codegen --config codegen.ts
//
// The schema comes from the committed `schema.graphql`; point `schema` at
// `http://127.0.0.1:8080/graphql` to load it from a running hub by introspection instead.
// The hub's scalars are mapped to what their JSON carries.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['queries/*.graphql'],
  generates: {
    './generated/': {
      preset: 'client',
      config: {
        strictScalars: true,
        scalars: {
          // `YYYY-MM-DD`
          Date: 'string',
          // RFC 3339, UTC
          DateTime: 'string',
          // whole yuan, a JSON integer
          Money: 'number',
          JSON: 'unknown',
        },
        enumsAsTypes: true,
      },
      // Persisted documents: a manifest of every operation's SHA-256, the format
      // HUB_TRUSTED_DOCUMENTS reads.
      presetConfig: { persistedDocuments: true },
    },
  },
};

export default config;

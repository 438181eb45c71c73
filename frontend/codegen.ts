// GraphQL Code Generator: the TypeScript contract of the API, from graphql/schema.graphql and the named
// operations in graphql/operations/*.graphql. `npm run codegen` (part of build, typecheck and dev) writes
// src/api/generated/graphql.ts, which git ignores; an operation the schema no longer answers fails here, a
// field the code reads that no operation selects fails `tsc`.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../graphql/schema.graphql",
  documents: "../graphql/operations/*.graphql",
  generates: {
    "src/api/generated/graphql.ts": {
      // typescript-operations emits the enums and inputs the operations use, so the `typescript` plugin
      // (every schema type) is not needed.
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        // Each document is the operation's text with the fragments it spreads: what the client sends,
        // without a GraphQL parser in the bundle.
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { Date: "string", DateTime: "string", Decimal: "string", JSON: "unknown", Long: "number" },
      },
    },
  },
};

export default config;

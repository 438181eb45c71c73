// The named operations of graphql/operations/*.graphql, the same files the server's tests execute, as GraphQL
// Code Generator writes them (src/api/generated/graphql.ts, `npm run codegen`): each `<Name>Document` is the
// operation's text with the fragments it spreads, typed with its result and variables. So the server validates
// (and counts tokens of) what is actually run, and `tsc` checks what the code reads against what is selected.

import type { TypedDocumentString } from "./generated/graphql";

export type { TypedDocumentString as Operation };

/** The variables argument of `request`/`subscribe`: optional when the operation needs none. */
export type VariablesArgument<TVariables> = {} extends TVariables ? [variables?: TVariables] : [variables: TVariables];

// Codegen prints the operation first, then its fragments.
const OPERATION_HEAD = /^\s*(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)/;

/** What goes over the wire for `operation`: its text, its name and the variables. */
export function requestBody<TResult, TVariables>(
  operation: TypedDocumentString<TResult, TVariables>,
  variables: TVariables | undefined,
): { query: string; operationName: string; variables: Record<string, unknown> } {
  const query = operation.toString();
  const head = OPERATION_HEAD.exec(query);
  if (!head) throw new Error("A generated GraphQL document does not start with a named operation");
  return { query, operationName: head[1], variables: (variables ?? {}) as Record<string, unknown> };
}

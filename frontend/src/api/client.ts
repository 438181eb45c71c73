// GraphQL over HTTP: POST /graphql with the bearer token; the generated operations of graphql/operations.

import { getToken } from "../session";
import { ApiError, fromGraphQLErrors } from "./errors";
import { requestBody, type Operation, type VariablesArgument } from "./operations";

type Listener = () => void;

const unauthenticatedListeners = new Set<Listener>();

/** Runs `listener` whenever the server says the caller is not (or no longer) signed in. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export function notifyUnauthenticated(): void {
  for (const listener of unauthenticatedListeners) listener();
}

async function post(body: string): Promise<Response> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Accept: "application/graphql-response+json, application/json",
  };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch("/graphql", { method: "POST", headers, body });
  } catch {
    throw new ApiError("NETWORK");
  }
}

async function readJson(response: Response): Promise<{ data?: unknown; errors?: unknown } | null> {
  try {
    return (await response.json()) as { data?: unknown; errors?: unknown };
  } catch {
    return null;
  }
}

/** Runs the operation and returns its `data`, or throws an ApiError (`errorMessage` makes it a sentence). */
export async function request<TResult, TVariables>(
  operation: Operation<TResult, TVariables>,
  ...[variables]: VariablesArgument<TVariables>
): Promise<TResult> {
  const response = await post(JSON.stringify(requestBody(operation, variables)));
  const payload = await readJson(response);
  if (payload && Array.isArray(payload.errors) && payload.errors.length > 0) {
    const error = fromGraphQLErrors(payload.errors);
    if (error.code === "UNAUTHENTICATED") notifyUnauthenticated();
    throw error;
  }
  if (response.status === 413) {
    throw new ApiError("PAYLOAD_TOO_LARGE");
  }
  if (!response.ok || !payload || payload.data == null) {
    throw new ApiError("SERVER_STATUS", "", { status: response.status });
  }
  return payload.data as TResult;
}

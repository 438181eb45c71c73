// Errors as people read them: a sentence from the server's errors[].message, never raw JSON.

export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_INPUT"
  | "CONFLICT"
  | "NETWORK"
  | "SERVER";

export class ApiError extends Error {
  readonly code: ErrorCode | string;

  constructor(code: ErrorCode | string, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

interface WireError {
  message?: unknown;
  extensions?: { code?: unknown } | null;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "";
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?。！？]$/.test(capital) ? capital : `${capital}.`;
}

/** One ApiError from a GraphQL `errors` array: the first code, all messages as sentences. */
export function fromGraphQLErrors(errors: readonly WireError[]): ApiError {
  const messages = errors
    .map((e) => (typeof e.message === "string" ? sentence(e.message) : ""))
    .filter((m) => m !== "");
  const code = errors.map((e) => e.extensions?.code).find((c) => typeof c === "string");
  const unique = [...new Set(messages)];
  return new ApiError(
    typeof code === "string" ? code : "SERVER",
    unique.join(" ") || "The server could not carry out the request.",
  );
}

/** A sentence for any thrown value, for showing on the page. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return sentence(error.message);
  return "Something went wrong.";
}

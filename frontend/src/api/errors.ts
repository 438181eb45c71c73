// Errors as people read them: a sentence in the UI's language, chosen by the error's stable code
// (`extensions.code`: server/domain/errors.py, server/api/errors.py), never raw JSON. The server writes its
// messages in English for a person: the English UI shows them as they are (they say more than the code).
// The Chinese UI says what `extensions.reason` names when there is one (DUPLICATE_NAME: errors.reasons.*),
// else the code's message; for codes too broad to stand alone (BAD_INPUT, CONFLICT) it adds the server's
// sentence after a Chinese lead-in (errors.detailed.*), and shows the server's sentence for a code it does
// not know.

import { hasMessage, language, t, translate } from "../i18n";

/** Codes the server sends, and the client's own (the last four): each has a message in locales/*.json. */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_INPUT"
  | "CONFLICT"
  | "INSUFFICIENT_POINTS"
  | "IN_DEBT"
  | "OUT_OF_STOCK"
  | "RATE_LIMITED"
  | "PAYLOAD_TOO_LARGE"
  | "GRAPHQL_VALIDATION_FAILED"
  | "INTERNAL"
  | "NETWORK"
  | "SERVER_STATUS"
  | "LIVE_LOST"
  | "SERVER";

/** Where an error is shown, when the code's message can say more there (errors.<context>.<CODE>). */
export type ErrorContext = "signin" | "account" | "redeem" | "approval" | "regions";

export type ErrorDetails = Record<string, string | number>;

export class ApiError extends Error {
  readonly code: ErrorCode | string;
  /** Values for the code's message, e.g. `retryAfter` (seconds: errorMessage says it as `retry`) or `status` (HTTP). */
  readonly details: ErrorDetails;

  /** `message`: the server's sentence ("" when the client made the error: its code says it all). */
  constructor(code: ErrorCode | string, message = "", details: ErrorDetails = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.details = details;
  }
}

interface WireError {
  message?: unknown;
  extensions?: { code?: unknown; retryAfter?: unknown; missing?: unknown; reason?: unknown } | null;
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
  const retryAfter = errors.map((e) => e.extensions?.retryAfter).find((s) => typeof s === "number");
  // NO_GRANT names what is missing (GRANT_REVOKED, DOWNLOADS_USED_UP, ...): the first says why.
  const missing = errors.map((e) => e.extensions?.missing).find((m) => Array.isArray(m) && typeof m[0] === "string") as string[] | undefined;
  // What exactly clashed (DUPLICATE_NAME, ORDER_ALREADY_RECORDED, ...), finer than the code.
  const reason = errors.map((e) => e.extensions?.reason).find((r) => typeof r === "string");
  const unique = [...new Set(messages)];
  const details: ErrorDetails = {};
  if (typeof retryAfter === "number") details.retryAfter = retryAfter;
  if (missing) details.missing = missing[0];
  if (typeof reason === "string") details.reason = reason;
  return new ApiError(typeof code === "string" ? code : "SERVER", unique.join(" "), details);
}

/**
 * When to try again, as a person says it (`retry` in a RATE_LIMITED message): seconds under a minute,
 * else about so many minutes ("Try again in about 5 minutes", not "in 249 s").
 */
export function retryIn(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  if (whole < 60) return t("errors.retry.seconds", { count: whole });
  return t("errors.retry.minutes", { count: Math.ceil(whole / 60) });
}

/**
 * A sentence for any thrown value, for showing on the page. `context` names where it is shown, when a
 * message of its own says more there (errors.<context>.<CODE>: "wrong email or password" on the sign-in
 * form; the cost and the balance when redeeming, given in `values`; `{{server}}` is the server's sentence).
 */
export function errorMessage(error: unknown, context?: ErrorContext, values: ErrorDetails = {}): string {
  if (error instanceof ApiError) {
    const all: ErrorDetails = { ...error.details, ...values, server: error.message };
    // A refusal without retryAfter (an HTTP 429 outside GraphQL) still gets a sentence: "try again shortly".
    all.retry = typeof error.details.retryAfter === "number" ? retryIn(error.details.retryAfter) : t("errors.retry.later");
    const inContext = context ? `errors.${context}.${error.code}` : null;
    if (inContext && hasMessage(inContext)) return translate(inContext, all);
    const reason = typeof error.details.reason === "string" ? `errors.reasons.${error.details.reason}` : null;
    if (reason && hasMessage(reason)) return translate(reason, all);
    if (language() === "en" && error.message) return error.message;
    const detailed = `errors.detailed.${error.code}`;
    if (error.message && hasMessage(detailed)) return translate(detailed, all);
    const general = `errors.codes.${error.code}`;
    if (hasMessage(general)) return translate(general, all);
    return error.message || t("errors.unknown");
  }
  // Not from the API (a bug, a browser refusal): its text is English and technical.
  if (language() === "en" && error instanceof Error && error.message) return sentence(error.message);
  return t("errors.unknown");
}

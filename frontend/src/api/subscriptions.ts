// GraphQL subscriptions over graphql-transport-ws on /graphql (the `graphql-ws` client).
// The token travels in connection_init, as the server authenticates there.

import { createClient, type Client } from "graphql-ws";
import { getToken } from "../session";
import { ApiError, errorMessage, fromGraphQLErrors } from "./errors";
import { notifyUnauthenticated } from "./client";
import { requestBody, type Operation } from "./operations";

const CLOSE_UNAUTHORIZED = 4401;

let client: Client | null = null;

/** The socket's state as graphql-ws reports it: `connected` after each (re)connection's acknowledgement. */
export type ConnectionState = "connected" | "closed";
const connectionListeners = new Set<(state: ConnectionState) => void>();
let connectionState: ConnectionState = "closed";

function socketUrl(): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql`;
}

function getClient(): Client {
  if (client === null) {
    client = createClient({
      url: socketUrl(),
      lazy: true,
      connectionParams: () => ({ token: getToken() ?? "" }),
      retryAttempts: Infinity,
      shouldRetry: (event) => !(isCloseEvent(event) && event.code === CLOSE_UNAUTHORIZED),
      on: {
        connected: () => emitConnection("connected"),
        closed: (event) => {
          emitConnection("closed");
          if (isCloseEvent(event) && event.code === CLOSE_UNAUTHORIZED) notifyUnauthenticated();
        },
      },
    });
  }
  return client;
}

function emitConnection(state: ConnectionState): void {
  connectionState = state;
  for (const listener of [...connectionListeners]) listener(state);
}

/**
 * Calls `listener` each time the socket is (re)connected or closed; returns a function that stops. Events
 * sent while the socket was down are lost: whoever keeps a state from them reads it again on `connected`.
 */
export function onConnection(listener: (state: ConnectionState) => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

/** Whether the socket is connected (acknowledged) now. */
export function isConnected(): boolean {
  return client !== null && connectionState === "connected";
}

function isCloseEvent(value: unknown): value is CloseEvent {
  return typeof value === "object" && value !== null && "code" in value;
}

export interface SubscriptionHandlers<T> {
  next: (data: T) => void;
  error?: (message: string) => void;
  /** The stream ended (the server completed it, or the client was reset). */
  complete?: () => void;
}

/** Subscribes to the operation; returns a function that unsubscribes. */
export function subscribe<TResult, TVariables>(
  operation: Operation<TResult, TVariables>,
  variables: TVariables,
  handlers: SubscriptionHandlers<TResult>,
): () => void {
  return getClient().subscribe<TResult>(requestBody(operation, variables), {
    next: (result) => {
      if (result.errors?.length) handlers.error?.(errorMessage(fromGraphQLErrors(result.errors)));
      else if (result.data) handlers.next(result.data as TResult);
    },
    error: (error) => {
      handlers.error?.(errorMessage(Array.isArray(error) ? fromGraphQLErrors(error) : new ApiError("LIVE_LOST")));
    },
    complete: () => handlers.complete?.(),
  });
}

/** Closes the socket, e.g. on sign-out, so the next subscription authenticates afresh. */
export function resetSubscriptions(): void {
  void client?.dispose();
  client = null;
  connectionState = "closed";
}

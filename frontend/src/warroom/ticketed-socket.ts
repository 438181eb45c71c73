// The sync socket's URL carries a single-use ticket, never the sign-in token: every proxy on the way logs
// URLs, and a ticket is worth nothing a minute later. y-websocket opens one WebSocket per (re)connect through
// its `WebSocketPolyfill` option, so this class asks GraphQL `syncTicket` for a fresh ticket each time and
// then opens the real socket with `?ticket=`; the provider's reconnect and back-off work as before.

import { request } from "../api/client";
import { ApiError } from "../api/errors";
import { SyncTicketDocument } from "../api/generated/graphql";

// A refused ticket becomes the close the server would send for it, so connection.ts treats both alike;
// anything else (network, server) is a close y-websocket retries with its back-off.
const CLOSE_FOR_CODE: Record<string, number> = { UNAUTHENTICATED: 4401, NOT_FOUND: 4404 };

type Handler<E> = ((event: E) => void) | null;

/** A WebSocket class for `WebsocketProvider` on `caseId`: each instance connects with a ticket of its own. */
export function ticketedSocket(caseId: string): typeof WebSocket {
  class TicketedSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSING = 2;
    readonly CLOSED = 3;
    readyState = 0;
    binaryType: BinaryType = "arraybuffer";
    onopen: Handler<Event> = null;
    onmessage: Handler<MessageEvent> = null;
    onerror: Handler<Event> = null;
    onclose: Handler<CloseEvent> = null;
    private socket: WebSocket | null = null;
    private abandoned = false;

    constructor(url: string | URL, protocols?: string | string[]) {
      super();
      void this.open(String(url), protocols);
    }

    private async open(url: string, protocols?: string | string[]): Promise<void> {
      let ticket: string;
      try {
        ticket = (await request(SyncTicketDocument, { caseId })).syncTicket.ticket;
      } catch (error) {
        if (this.abandoned) return;
        const code = error instanceof ApiError ? (CLOSE_FOR_CODE[error.code] ?? 1006) : 1006;
        this.readyState = this.CLOSED;
        this.onclose?.(new CloseEvent("close", { code, reason: error instanceof Error ? error.message : "", wasClean: false }));
        return;
      }
      if (this.abandoned) return;
      const socket = new WebSocket(`${url}${url.includes("?") ? "&" : "?"}ticket=${encodeURIComponent(ticket)}`, protocols);
      socket.binaryType = this.binaryType;
      socket.onopen = (event) => {
        this.readyState = this.OPEN;
        this.onopen?.(event);
      };
      socket.onmessage = (event) => this.onmessage?.(event);
      socket.onerror = (event) => this.onerror?.(event);
      socket.onclose = (event) => {
        this.readyState = this.CLOSED;
        this.onclose?.(event);
      };
      this.socket = socket;
    }

    send(data: Parameters<WebSocket["send"]>[0]): void {
      this.socket?.send(data);
    }

    close(code?: number, reason?: string): void {
      this.abandoned = true;
      this.readyState = this.CLOSED;
      this.socket?.close(code, reason);
    }
  }
  return TicketedSocket as unknown as typeof WebSocket;
}

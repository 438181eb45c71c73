// The case document: one Y.Doc synced with the server's room over y-websocket (/sync/<caseId>?ticket=…, a
// fresh single-use ticket for every connection: ticketed-socket.ts).

import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { ticketedSocket } from "./ticketed-socket";

export interface CaseSync {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy: () => void;
}

function syncUrl(): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/sync`;
}

export function decode(base64: string): Uint8Array {
  const bytes = atob(base64);
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 1) out[i] = bytes.charCodeAt(i);
  return out;
}

/**
 * Opens the live document of a case; each connection's ticket is minted for the signed-in member.
 * `maskedDocument` (the case's redacted copy, base64, for a reader a masking policy lets in): the server
 * refuses them the live document, so the copy is shown read-only and the socket never connects.
 */
export function connectCase(caseId: string, maskedDocument: string | null = null): CaseSync {
  const doc = new Y.Doc();
  if (maskedDocument !== null) Y.applyUpdate(doc, decode(maskedDocument));
  // disableBc: tabs must not sync through the browser behind the server's back; the server decides
  // what is accepted (viewers' updates are dropped), so everyone sees the same document.
  const provider = new WebsocketProvider(syncUrl(), caseId, doc, {
    WebSocketPolyfill: ticketedSocket(caseId),
    disableBc: true,
    connect: maskedDocument === null,
  });

  // The browser knows sooner than the socket when the network goes; reconnect at once when it returns.
  const goOffline = (): void => provider.disconnect();
  const goOnline = (): void => {
    if (maskedDocument === null) provider.connect();
  };
  window.addEventListener("offline", goOffline);
  window.addEventListener("online", goOnline);

  return {
    doc,
    provider,
    destroy() {
      window.removeEventListener("offline", goOffline);
      window.removeEventListener("online", goOnline);
      provider.destroy();
      doc.destroy();
    },
  };
}

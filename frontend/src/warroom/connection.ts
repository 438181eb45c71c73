// The connection indicator: online / connecting / reconnecting / offline, and why a room was closed.
// Offline edits stay in the local Y.Doc; y-websocket's sync step merges them when the socket returns.

import type { WebsocketProvider } from "y-websocket";
import { notifyUnauthenticated } from "../api/client";
import { language, t } from "../i18n";
import { h } from "../ui/dom";

export type ConnectionState = "connecting" | "online" | "reconnecting" | "offline" | "closed";

/** How the server ended the room for good (a close code of 4400-4499 and its reason). */
export interface RoomClose {
  code: number;
  reason: string;
}

// After this many failed attempts in a row the server is treated as unreachable, not just slow.
const OFFLINE_AFTER_ATTEMPTS = 3;

// The server closes with this when the member's write permission changed (a role change): the room is
// opened again under the new role rather than ended.
export const CLOSE_ROLE_CHANGED = 4409;

function label(state: ConnectionState): string {
  return t(`warroom.connection.${state}`);
}

/** Why the room was closed, as a sentence in the UI's language. */
export function closeMessage(close: RoomClose): string {
  if (close.code === 4403) return t("warroom.connection.closedForbidden");
  if (close.code === 4404) return t("warroom.connection.closedNotFound");
  // Any other close carries the server's reason, in English: shown as it is in the English UI.
  return language() === "en" && close.reason ? close.reason : t("warroom.connection.closedOther");
}

export interface ConnectionOptions {
  /** The server ended the room for good. */
  onClosed: (close: RoomClose) => void;
  /** The server closed the room because the member's role changed. */
  onRoleChanged?: () => void;
  /** The room was closed before this indicator was built (the page was built again in another language). */
  closed?: RoomClose | null;
}

/** The indicator for `provider`. */
export function connectionIndicator(provider: WebsocketProvider, options: ConnectionOptions): { el: HTMLElement; dispose: () => void } {
  const text = h("span", { class: "connection-label" });
  const el = h("span", { class: "connection", role: "status", "data-testid": "connection" }, h("span", { class: "dot" }), text);
  let everOnline = provider.synced;
  let ended = options.closed ?? null;

  function show(state: ConnectionState, detail = ""): void {
    el.dataset.state = state;
    text.textContent = label(state);
    el.title = detail || (state === "offline" || state === "reconnecting" ? t("warroom.connection.offlineHint") : label(state));
  }

  function refresh(): void {
    if (ended) {
      show("closed", closeMessage(ended));
    } else if (provider.wsconnected && provider.synced) {
      everOnline = true;
      show("online");
    } else if (!navigator.onLine || provider.wsUnsuccessfulReconnects >= OFFLINE_AFTER_ATTEMPTS) {
      show("offline");
    } else {
      show(everOnline ? "reconnecting" : "connecting");
    }
  }

  function closed(event: RoomClose): void {
    if (event.code === 4401) {
      notifyUnauthenticated();
      return;
    }
    if (event.code === CLOSE_ROLE_CHANGED && options.onRoleChanged) {
      show("reconnecting", t("warroom.connection.roleChanged"));
      options.onRoleChanged();
      return;
    }
    ended = { code: event.code, reason: event.reason };
    refresh();
    options.onClosed(ended);
  }

  provider.on("status", refresh);
  provider.on("sync", refresh);
  provider.on("closed", closed);
  window.addEventListener("online", refresh);
  window.addEventListener("offline", refresh);
  refresh();

  return {
    el,
    dispose() {
      provider.off("status", refresh);
      provider.off("sync", refresh);
      provider.off("closed", closed);
      window.removeEventListener("online", refresh);
      window.removeEventListener("offline", refresh);
    },
  };
}

// The connection indicator: online / connecting / reconnecting / offline, and why a room was closed.
// Offline edits stay in the local Y.Doc; y-websocket's sync step merges them when the socket returns.

import type { WebsocketProvider } from "y-websocket";
import { notifyUnauthenticated } from "../api/client";
import { h } from "../ui/dom";

export type ConnectionState = "connecting" | "online" | "reconnecting" | "offline" | "closed";

// After this many failed attempts in a row the server is treated as unreachable, not just slow.
const OFFLINE_AFTER_ATTEMPTS = 3;

const LABELS: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  online: "Online",
  reconnecting: "Reconnecting…",
  offline: "Offline: edits merge when back",
  closed: "Disconnected",
};

const CLOSE_REASONS: Record<number, string> = {
  4403: "You are not a member of this case any more.",
  4404: "This case does not exist, or it is not shared with you.",
};

// The server closes with this when the member's write permission changed (a role change): the room is
// opened again under the new role rather than ended.
export const CLOSE_ROLE_CHANGED = 4409;

const OFFLINE_HINT = "Keep this tab open: your edits are kept here and merge when the connection returns.";

/**
 * The indicator for `provider`; `onClosed` gets a sentence when the server ends the room for good,
 * `onRoleChanged` is called when it closed the room because the member's role changed.
 */
export function connectionIndicator(
  provider: WebsocketProvider,
  onClosed: (message: string) => void,
  onRoleChanged?: () => void,
): { el: HTMLElement; dispose: () => void } {
  const label = h("span", { class: "connection-label" });
  const el = h("span", { class: "connection", role: "status", "data-testid": "connection" }, h("span", { class: "dot" }), label);
  let everOnline = false;

  function show(state: ConnectionState, detail = ""): void {
    el.dataset.state = state;
    label.textContent = LABELS[state];
    el.title = detail || (state === "offline" || state === "reconnecting" ? OFFLINE_HINT : LABELS[state]);
  }

  function refresh(): void {
    if (provider.wsconnected && provider.synced) {
      everOnline = true;
      show("online");
    } else if (!navigator.onLine || provider.wsUnsuccessfulReconnects >= OFFLINE_AFTER_ATTEMPTS) {
      show("offline");
    } else {
      show(everOnline ? "reconnecting" : "connecting");
    }
  }

  function closed(event: { code: number; reason: string }): void {
    if (event.code === 4401) {
      notifyUnauthenticated();
      return;
    }
    if (event.code === CLOSE_ROLE_CHANGED && onRoleChanged) {
      show("reconnecting", "Your role in this case changed; opening it again.");
      onRoleChanged();
      return;
    }
    const message = CLOSE_REASONS[event.code] ?? (event.reason || "The server closed this room.");
    show("closed", message);
    onClosed(message);
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

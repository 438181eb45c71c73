// Inline messages (errors, hints) shown in a page rather than in alerts.

import { h } from "./dom";

export type NoticeKind = "error" | "info";

/** An element that shows one message at a time (role=alert for errors, so screen readers announce it). */
export function noticeArea(): { el: HTMLElement; show: (message: string, kind?: NoticeKind) => void; clear: () => void } {
  const el = h("p", { class: "notice", hidden: true });
  return {
    el,
    show(message, kind = "error") {
      el.textContent = message;
      el.className = `notice notice-${kind}`;
      el.setAttribute("role", kind === "error" ? "alert" : "status");
      el.hidden = false;
    },
    clear() {
      el.textContent = "";
      el.hidden = true;
    },
  };
}

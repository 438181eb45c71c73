// The header's bell: a link to the inbox with the unread count, live on every signed-in page. Its accessible
// name says the count ("Notifications, 3 unread"), as the badge alone is not read out.

import "../styles/notifications.css";
import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h } from "../ui/dom";
import { watchUnread, type Unread } from "./unread";

const SVG = "http://www.w3.org/2000/svg";
const MOST_SHOWN = 99;

function bellIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "bell-icon");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", "M12 3a6 6 0 0 0-6 6v3.6L4.3 15.5A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.5L18 12.6V9a6 6 0 0 0-6-6Zm-2.4 15.5a2.5 2.5 0 0 0 4.8 0Z");
  svg.append(path);
  return svg;
}

/** The accessible name and tooltip of the bell for `count` unread notifications. */
export function bellLabel(count: number | null): string {
  if (!count) return t("notifications.bell.none");
  return t("notifications.bell.unread", { count, shown: formatNumber(count) });
}

export function bell(): HTMLElement {
  const badge = h("span", { class: "bell-count", "data-testid": "bell-count", "aria-hidden": "true", hidden: true });
  const link = h("a", { class: "bell", href: "#/inbox", "data-testid": "bell", "data-live": "false" }, bellIcon(), badge);

  const show = ({ count, live }: Unread): void => {
    if (!link.isConnected && link.dataset.placed) {
      stop(); // the header was built again (another page, another language)
      return;
    }
    const unread = count ?? 0;
    badge.hidden = unread === 0;
    badge.textContent = unread > MOST_SHOWN ? `${MOST_SHOWN}+` : formatNumber(unread);
    link.dataset.count = String(unread);
    link.dataset.live = String(live);
    link.classList.toggle("bell-unread", unread > 0);
    const label = bellLabel(count);
    link.setAttribute("aria-label", label);
    link.title = label;
  };
  const stop = watchUnread(show);
  // Placed once the page shows it; from then on a header no longer in the page lets go at the next change.
  requestAnimationFrame(() => {
    link.dataset.placed = "true";
  });
  return link;
}

// How a pain point's status reads on a badge, and what it means on hover.

import { t } from "../i18n";
import { h } from "../ui/dom";
import type { PainPointStatus } from "./types";

export function statusBadge(status: PainPointStatus): HTMLElement {
  return h(
    "span",
    { class: `badge status-${status.toLowerCase()}`, title: t(`painpoints.meaning.${status}`), "data-testid": "pain-point-status" },
    t(`painpoints.status.${status}`),
  );
}

// How a pain point's status reads on a badge, and what it means on hover.

import { h } from "../ui/dom";
import type { PainPointStatus } from "./types";

const MEANING: Record<PainPointStatus, string> = {
  SUBMITTED: "Accepted; counted in clusters.",
  ADOPTED: "Taken into the roadmap by R&D.",
  DUPLICATE: "Repeats an earlier pain point of this case; not counted twice.",
  REJECTED: "Withdrawn after it was accepted.",
};

export function statusBadge(status: PainPointStatus): HTMLElement {
  return h(
    "span",
    { class: `badge status-${status.toLowerCase()}`, title: MEANING[status], "data-testid": "pain-point-status" },
    status,
  );
}

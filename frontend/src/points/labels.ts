// Words for the points vocabulary: what an action, a reward kind or a redemption status means to a person.

import { hasMessage, t, translate } from "../i18n";
import { formatPoints } from "../i18n/format";
import { h } from "../ui/dom";
import type { PointAction, RedemptionStatus, RewardKind } from "./types";

/** An action as people say it; one the server added after this build shows as its code. */
export function actionLabel(action: PointAction | string): string {
  const key = `points.actions.${action}`;
  return hasMessage(key) ? translate(key) : action;
}

export function kindLabel(kind: RewardKind): string {
  return t(`points.kinds.${kind}`);
}

export function statusLabel(status: RedemptionStatus): string {
  return t(`points.statuses.${status}`);
}

/** "+5" or "−300": the sign always shown, so a ledger reads at a glance. */
export function signedPoints(delta: number): string {
  return delta > 0 ? `+${formatPoints(delta)}` : delta < 0 ? `\u2212${formatPoints(Math.abs(delta))}` : "0";
}

/** A subject such as `pain_point:01H…` as the kind of thing it names; the id is left for the tooltip. */
export function subjectLabel(subject: string): string {
  const kind = subject.split(":", 1)[0];
  const key = `points.subjects.${kind}`;
  return hasMessage(key) ? translate(key) : kind.replace(/_/g, " ");
}

export function statusBadge(status: RedemptionStatus): HTMLElement {
  return h("span", { class: `badge status-${status.toLowerCase()}`, "data-testid": "redemption-status" }, statusLabel(status));
}

export function stockLabel(stock: number | null): string {
  if (stock === null) return t("points.stock.unlimited");
  return stock === 0 ? t("points.stock.out") : t("points.stock.left", { stock: formatPoints(stock) });
}

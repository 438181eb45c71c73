// Words for the points vocabulary: what an action, a reward kind or a redemption status means to a person.

import { hasMessage, t, translate } from "../i18n";
import { formatPoints } from "../i18n/format";
import { h } from "../ui/dom";
import type { PointAction, PointEntry, RedemptionStatus, RewardKind } from "./types";

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

const CAP_NOTE = /^(Daily|Monthly) cap of (\d+) points reached\.$/;

/** A ledger note in the UI's language when it is the server's cap note ("Daily cap of 10 points reached."). */
export function capNote(note: string): string {
  const cap = CAP_NOTE.exec(note);
  if (!cap) return note;
  const points = formatPoints(Number(cap[2]));
  return cap[1] === "Daily" ? t("wallet.ledger.dailyCap", { points }) : t("wallet.ledger.monthlyCap", { points });
}

/** Where an entry's subject lives, as the war room's address: the case, and the thread or pain point in it. */
export function subjectHref(place: NonNullable<PointEntry["subjectPlace"]>): string {
  const base = `#/cases/${encodeURIComponent(place.caseId)}`;
  if (place.threadId) return `${base}?thread=${encodeURIComponent(place.threadId)}`;
  if (place.painPointId) return `${base}?tab=pain-points&painPoint=${encodeURIComponent(place.painPointId)}`;
  return base;
}

/** The subject as words, a link to it when the person may open it ("Pain point in “Acme renewal”"). */
export function subjectLink(entry: PointEntry): HTMLElement | string {
  const what = subjectLabel(entry.subject);
  const place = entry.subjectPlace;
  if (!place) return what;
  return h("a", { href: subjectHref(place), "data-testid": "ledger-subject-link" }, t("wallet.ledger.subjectIn", { subject: what, case: place.caseTitle }));
}

export function statusBadge(status: RedemptionStatus): HTMLElement {
  return h("span", { class: `badge status-${status.toLowerCase()}`, "data-testid": "redemption-status" }, statusLabel(status));
}

export function stockLabel(stock: number | null): string {
  if (stock === null) return t("points.stock.unlimited");
  return stock === 0 ? t("points.stock.out") : t("points.stock.left", { stock: formatPoints(stock) });
}

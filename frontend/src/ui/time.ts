// Timestamps as people read them: relative ("5 minutes ago", "5分钟前") with the exact local time on hover,
// in the UI's language.

import { formatDate, formatRelative } from "../i18n/format";

const EXACT: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "medium" };

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.35],
  ["month", 12],
  ["year", Infinity],
];

export function relativeTime(iso: string, now: Date = new Date()): string {
  let amount = (new Date(iso).getTime() - now.getTime()) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(amount) < size) return formatRelative(Math.round(amount), unit);
    amount /= size;
  }
  return exactTime(iso);
}

export function exactTime(iso: string): string {
  return formatDate(iso, EXACT);
}

/** A day as the calendar shows it (a UTC day unless `timeZone` says otherwise): "3/5/2026", "2026/3/5". */
export function dayOf(iso: string | Date, timeZone = "UTC"): string {
  return formatDate(iso, { year: "numeric", month: "numeric", day: "numeric", timeZone });
}

/** A <time> element showing relative time, the exact time as its tooltip. */
export function timeElement(iso: string): HTMLTimeElement {
  const el = document.createElement("time");
  el.dateTime = iso;
  el.textContent = relativeTime(iso);
  el.title = exactTime(iso);
  return el;
}

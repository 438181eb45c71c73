// Relative times ("2 minutes ago") that stay true while a page stays open.

import { relativeTime } from "./time";

const EVERY_MS = 30_000;

/**
 * Rewrites every <time datetime> under `root` twice a minute; returns a function that stops. main.ts runs
 * one for the whole document, so pages and panels need none of their own.
 */
export function keepTimesFresh(root: HTMLElement): () => void {
  const timer = window.setInterval(() => {
    for (const el of root.querySelectorAll<HTMLTimeElement>("time[datetime]")) el.textContent = relativeTime(el.dateTime);
  }, EVERY_MS);
  return () => window.clearInterval(timer);
}

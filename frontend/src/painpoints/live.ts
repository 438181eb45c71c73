// Following a case's pain points live (painPointEvents): recorded by anyone, withdrawn, adopted. A burst of
// events reaches the tab as one call, so its list is read once.

import { subscribe } from "../api/subscriptions";
import { PainPointEventsDocument } from "../api/generated/graphql";

const GATHER_MS = 300;

/** Calls `onChange` once per burst of the case's pain-point events; returns a function that stops following. */
export function followCasePainPoints(caseId: string, onChange: () => void, onError: (message: string) => void): () => void {
  let timer: number | undefined;
  const unsubscribe = subscribe(PainPointEventsDocument, { caseId }, {
    next: () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(onChange, GATHER_MS);
    },
    error: onError,
  });
  return () => {
    window.clearTimeout(timer);
    unsubscribe();
  };
}

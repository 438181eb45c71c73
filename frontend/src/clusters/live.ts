// Following the team's clusters live (clusterEvents): a burst of events (one per grown cluster, a run
// finishing) reaches the page as one call, so it reloads once.

import { subscribe } from "../api/subscriptions";
import { ClusterEventsDocument } from "../api/generated/graphql";
import type { ClusterEvent } from "../painpoints/types";

const GATHER_MS = 300;

/** Calls `onChange` with the events of each burst; returns a function that stops following. */
export function followClusters(onChange: (events: ClusterEvent[]) => void, onError: (message: string) => void): () => void {
  let pending: ClusterEvent[] = [];
  let timer: number | undefined;
  const unsubscribe = subscribe(ClusterEventsDocument, {}, {
    next: ({ clusterEvents }) => {
      pending.push(clusterEvents);
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        const events = pending;
        pending = [];
        onChange(events);
      }, GATHER_MS);
    },
    error: onError,
  });
  return () => {
    window.clearTimeout(timer);
    unsubscribe();
  };
}

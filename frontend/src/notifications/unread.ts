// The signed-in person's unread count, kept live for the header's bell and the inbox: one notificationEvents
// subscription for the whole session, whatever page is open. Every event carries the count, and each
// (re)subscription starts with a COUNT event sent once the server listens: what happened while the socket was
// down (or before the subscription started) is in it, and nothing after it is missed.

import { request } from "../api/client";
import {
  NotificationEventsDocument,
  NotificationsDocument,
  type NotificationEventsSubscription,
} from "../api/generated/graphql";
import { onConnection, resetSubscriptions, subscribe } from "../api/subscriptions";
import { getToken } from "../session";

export type NotificationEvent = NotificationEventsSubscription["notificationEvents"];

export interface Unread {
  /** Null until the first read answered. */
  count: number | null;
  /** The socket is up and its subscription's COUNT has come since it (re)connected: nothing can have been missed. */
  live: boolean;
}

let state: Unread = { count: null, live: false };
let token: string | null = null;
let unsubscribe: (() => void) | null = null;
let stopConnection: (() => void) | null = null;
/** Counts events, so a read that an event overtook is made again. */
let seen = 0;
const stateListeners = new Set<(unread: Unread) => void>();
const eventListeners = new Set<(event: NotificationEvent) => void>();

function publish(next: Partial<Unread>): void {
  state = { ...state, ...next };
  for (const listener of [...stateListeners]) listener(state);
}

/** Reads the count from the server; resolves true once a read no event overtook has answered. */
async function read(): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = seen;
    const asked = token;
    try {
      const { notifications } = await request(NotificationsDocument, { first: 1, unreadOnly: true });
      if (asked !== token) return false;
      if (before === seen) {
        publish({ count: notifications.unreadCount });
        return true;
      }
    } catch {
      return false; // the socket's next (re)connection reads it again
    }
  }
  return false;
}

function connectionChanged(connection: "connected" | "closed"): void {
  // Once (re)connected, graphql-ws subscribes again and the server's COUNT makes the bell live.
  if (connection === "closed") publish({ live: false });
}

function stop(): void {
  const ending = unsubscribe;
  unsubscribe = null;
  stopConnection?.();
  stopConnection = null;
  ending?.();
  token = null;
  state = { count: null, live: false };
}

/** Starts following the signed-in person's notifications, once per session (a new sign-in starts over). */
function start(): void {
  const current = getToken();
  if (current === token && unsubscribe) return;
  if (token !== null && current !== token) {
    // Someone else signed in in this tab: the socket still speaks for the one before.
    stop();
    resetSubscriptions();
  }
  if (!current) return;
  token = current;
  stopConnection = onConnection(connectionChanged);
  unsubscribe = subscribe(
    NotificationEventsDocument,
    {},
    {
      next: ({ notificationEvents }) => {
        seen++;
        if (notificationEvents.kind === "COUNT") publish({ count: notificationEvents.unreadCount, live: true });
        else publish({ count: notificationEvents.unreadCount });
        for (const listener of [...eventListeners]) listener(notificationEvents);
      },
      // A refused or ended stream (sign-out resets the client): the next bell starts a new one.
      error: () => stop(),
      complete: () => {
        if (unsubscribe) stop();
      },
    },
  );
  // A first count for the bell while the socket connects (the COUNT event follows).
  void read();
}

/** Calls `listener` with the unread count now and whenever it changes; returns a function that stops. */
export function watchUnread(listener: (unread: Unread) => void): () => void {
  start();
  stateListeners.add(listener);
  listener(state);
  return () => stateListeners.delete(listener);
}

/** Calls `listener` with each notification event (a new one, some marked read); returns a function that stops. */
export function onNotificationEvent(listener: (event: NotificationEvent) => void): () => void {
  start();
  eventListeners.add(listener);
  return () => eventListeners.delete(listener);
}

/** Reads the count again (after marking read, in case the socket is down and no event comes). */
export function refreshUnread(): void {
  void read();
}

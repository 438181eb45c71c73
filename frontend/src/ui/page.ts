// What every page gives the app shell: its element, and how to let go of what it holds.

import type { Route } from "../router";

export interface Page {
  el: HTMLElement;
  /** Closes sockets, editors and timers when the user leaves the page. */
  dispose?: () => void;
  /**
   * Shows the page in the language just chosen, keeping what cannot be built again (the war room's live
   * document). Without it the app builds the page anew (and carries typed text over: carry-over.ts).
   */
  relocalize?: () => void;
  /**
   * Takes a new route in place when it is this page's own (the war room's `?thread=` link to its case): true
   * when it did, and the page stays as it is (its live document and socket); false to build the route's page.
   */
  follow?: (route: Route) => boolean;
}

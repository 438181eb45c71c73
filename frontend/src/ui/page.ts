// What every page gives the app shell: its element, and how to let go of what it holds.

export interface Page {
  el: HTMLElement;
  /** Closes sockets, editors and timers when the user leaves the page. */
  dispose?: () => void;
  /**
   * Shows the page in the language just chosen, keeping what cannot be built again (the war room's live
   * document). Without it the app builds the page anew (and carries typed text over: carry-over.ts).
   */
  relocalize?: () => void;
}

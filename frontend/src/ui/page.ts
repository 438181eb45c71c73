// What every page gives the app shell: its element, and how to let go of what it holds.

export interface Page {
  el: HTMLElement;
  /** Closes sockets, editors and timers when the user leaves the page. */
  dispose?: () => void;
}

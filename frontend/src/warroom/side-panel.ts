// The war room's side panel: tabs (comments, versions, pain points, contribution), one visible at a time.

import { t } from "../i18n";
import { h } from "../ui/dom";

export interface PanelTab {
  id: string;
  label: string;
  /** Builds the tab's content the first time it is opened. */
  render: () => HTMLElement;
}

/** Which tab is shown and which were opened (in that order): a panel built again opens the same ones. */
export interface PanelState {
  selected: string | null;
  opened: string[];
}

export interface SidePanel {
  el: HTMLElement;
  state: () => PanelState;
  /** Shows the tab (false when there is none by that id). */
  select: (id: string) => boolean;
}

export function sidePanel(tabs: PanelTab[], initial: PanelState = { selected: null, opened: [] }): SidePanel {
  const tabList = h("div", { class: "tabs", role: "tablist" });
  const body = h("div", { class: "tab-panels" });
  const panels = new Map<string, HTMLElement>();
  const buttons = new Map<string, HTMLButtonElement>();
  let selected: string | null = null;

  function build(tab: PanelTab): HTMLElement {
    const panel = h("div", { class: "tab-panel", role: "tabpanel", id: `panel-${tab.id}`, "aria-labelledby": `tab-${tab.id}` }, tab.render());
    panels.set(tab.id, panel);
    body.append(panel);
    return panel;
  }

  function select(id: string): void {
    selected = id;
    for (const tab of tabs) {
      const isSelected = tab.id === id;
      buttons.get(tab.id)!.setAttribute("aria-selected", String(isSelected));
      buttons.get(tab.id)!.tabIndex = isSelected ? 0 : -1;
      let panel = panels.get(tab.id);
      if (isSelected && !panel) panel = build(tab);
      if (panel) panel.hidden = !isSelected;
    }
  }

  /** The tab list's keys (WAI-ARIA tabs): the arrows, Home and End move to a tab and open it; Tab leaves the
   * list for the open panel, as only the selected tab is in the tab order. */
  function onKey(event: KeyboardEvent, index: number): void {
    const last = tabs.length - 1;
    const next: Record<string, number> = { ArrowRight: index === last ? 0 : index + 1, ArrowLeft: index === 0 ? last : index - 1, Home: 0, End: last };
    const to = next[event.key];
    if (to === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    select(tabs[to].id);
    buttons.get(tabs[to].id)!.focus();
  }

  tabs.forEach((tab, index) => {
    const button = h(
      "button",
      { type: "button", role: "tab", id: `tab-${tab.id}`, "aria-controls": `panel-${tab.id}`, onclick: () => select(tab.id), onkeydown: (event) => onKey(event as KeyboardEvent, index) },
      tab.label,
    );
    buttons.set(tab.id, button);
    tabList.append(button);
  });
  for (const id of initial.opened) {
    const tab = tabs.find((candidate) => candidate.id === id);
    if (tab && !panels.has(id)) build(tab).hidden = true;
  }
  const first = tabs.find((tab) => tab.id === initial.selected) ?? tabs[0];
  if (first) select(first.id);
  return {
    el: h("aside", { class: "side-panel", "aria-label": t("warroom.panel.label") }, tabList, body),
    state: () => ({ selected, opened: [...panels.keys()] }),
    select: (id) => {
      if (!tabs.some((tab) => tab.id === id)) return false;
      select(id);
      return true;
    },
  };
}

// The war room's side panel: tabs (comments, versions, pain points, contribution), one visible at a time.

import { h } from "../ui/dom";

export interface PanelTab {
  id: string;
  label: string;
  /** Builds the tab's content the first time it is opened. */
  render: () => HTMLElement;
}

export function sidePanel(tabs: PanelTab[]): HTMLElement {
  const tabList = h("div", { class: "tabs", role: "tablist" });
  const body = h("div", { class: "tab-panels" });
  const panels = new Map<string, HTMLElement>();
  const buttons = new Map<string, HTMLButtonElement>();

  function select(id: string): void {
    for (const tab of tabs) {
      const selected = tab.id === id;
      buttons.get(tab.id)!.setAttribute("aria-selected", String(selected));
      buttons.get(tab.id)!.tabIndex = selected ? 0 : -1;
      let panel = panels.get(tab.id);
      if (selected && !panel) {
        panel = h("div", { class: "tab-panel", role: "tabpanel", id: `panel-${tab.id}`, "aria-labelledby": `tab-${tab.id}` }, tab.render());
        panels.set(tab.id, panel);
        body.append(panel);
      }
      if (panel) panel.hidden = !selected;
    }
  }

  for (const tab of tabs) {
    const button = h(
      "button",
      { type: "button", role: "tab", id: `tab-${tab.id}`, "aria-controls": `panel-${tab.id}`, onclick: () => select(tab.id) },
      tab.label,
    );
    buttons.set(tab.id, button);
    tabList.append(button);
  }
  if (tabs.length > 0) select(tabs[0].id);
  return h("aside", { class: "side-panel", "aria-label": "Case tools" }, tabList, body);
}

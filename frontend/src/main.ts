// Boots the war room: styles, the router, and what happens when the session ends.

import "./styles/base.css";
import "./styles/pages.css";
import "./styles/warroom.css";
import "./styles/editor.css";
import "./styles/points.css";
import { onUnauthenticated } from "./api/client";
import { accountPage } from "./pages/account";
import { casesPage } from "./pages/cases";
import { clustersPage } from "./pages/clusters";
import { hrPage } from "./pages/hr";
import { signInPage } from "./pages/signin";
import { walletPage } from "./pages/wallet";
import { navigate, onRouteChange, signInPath, type Route } from "./router";
import { clearSession, getToken } from "./session";
import { h } from "./ui/dom";
import type { Page } from "./ui/page";
import { shell } from "./ui/shell";

const root = document.getElementById("app")!;
let current: Page | null = null;

// The editor (Tiptap, ProseMirror, Yjs) is most of the code: load it only when a case is opened.
function warRoom(caseId: string): Page {
  const holder = h("div", {}, h("p", { class: "loading" }, "Opening the case…"));
  let page: Page | null = null;
  let left = false;
  import("./pages/warroom")
    .then(({ warRoomPage }) => {
      if (left) return;
      page = warRoomPage(caseId);
      holder.replaceChildren(page.el);
    })
    .catch(() => {
      holder.replaceChildren(h("p", { class: "notice notice-error", role: "alert" }, "The war room could not be loaded. Reload the page."));
    });
  return {
    el: shell(holder),
    dispose() {
      left = true;
      page?.dispose?.();
    },
  };
}

function inShell(page: Page): Page {
  return { el: shell(page.el), dispose: page.dispose };
}

function pageFor(route: Route): Page {
  switch (route.page) {
    case "signin":
      return signInPage(route.next);
    case "cases":
      return { el: shell(casesPage().el) };
    case "case":
      return warRoom(route.caseId);
    case "clusters":
      return inShell(clustersPage());
    case "wallet":
      return inShell(walletPage());
    case "hr":
      return inShell(hrPage());
    case "account":
      return inShell(accountPage());
    case "not-found":
      return { el: shell(h("p", { class: "notice notice-error" }, "There is no page here. ", h("a", { href: "#/cases" }, "Go to my cases."))) };
  }
}

function show(route: Route): void {
  if (route.page !== "signin" && !getToken()) {
    navigate(signInPath());
    return;
  }
  current?.dispose?.();
  current = pageFor(route);
  root.replaceChildren(current.el);
}

onUnauthenticated(() => {
  clearSession();
  if (!location.hash.startsWith("#/signin")) navigate(signInPath());
});

onRouteChange(show);

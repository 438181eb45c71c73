// Boots the war room: styles, the language, the router, and what happens when the session ends.

import "./styles/base.css";
import "./styles/pages.css";
import "./styles/warroom.css";
import "./styles/editor.css";
import "./styles/points.css";
import { onUnauthenticated } from "./api/client";
import { onLanguageChange, t } from "./i18n";
import { accountPage } from "./pages/account";
import { casesPage } from "./pages/cases";
import { clustersPage } from "./pages/clusters";
import { comparePage } from "./pages/compare";
import { contributionPage } from "./pages/contribution";
import { proposalPage, proposalsPage } from "./pages/proposals";
import { hrPage } from "./pages/hr";
import { signInPage } from "./pages/signin";
import { walletPage } from "./pages/wallet";
import { accessRequestsPage } from "./pages/access-requests";
import { inboxPage } from "./pages/inbox";
import { adminAccessPage } from "./pages/admin-access";
import { knowledgeAssetPage, knowledgePage } from "./pages/knowledge";
import { navigate, onRouteChange, parseRoute, signInPath, type CaseFocus, type Route } from "./router";
import { clearSession, getToken } from "./session";
import { keepFields, restoreFields } from "./ui/carry-over";
import { h } from "./ui/dom";
import { keepTimesFresh } from "./ui/fresh-times";
import type { Page } from "./ui/page";
import { shell, topBar } from "./ui/shell";

const root = document.getElementById("app")!;
let current: Page | null = null;

// The editor (Tiptap, ProseMirror, Yjs) is most of the code: load it only when a case is opened.
function warRoom(caseId: string, focus: CaseFocus): Page {
  const loading = (): HTMLElement => h("p", { class: "loading" }, t("app.openingCase"));
  const holder = h("div", {}, loading());
  let page: Page | null = null;
  let left = false;
  let failed = false;
  const showFailure = (): void =>
    holder.replaceChildren(h("p", { class: "notice notice-error", role: "alert" }, t("app.warRoomFailed")));
  let asked = focus;
  import("./pages/warroom")
    .then(({ warRoomPage }) => {
      if (left) return;
      page = warRoomPage(caseId, asked);
      holder.replaceChildren(page.el);
    })
    .catch(() => {
      failed = true;
      showFailure();
    });
  return {
    el: shell(holder),
    dispose() {
      left = true;
      page?.dispose?.();
    },
    relocalize() {
      if (page) page.relocalize?.();
      else if (failed) showFailure();
      else holder.replaceChildren(loading());
    },
    // Another link into the same case (a thread, a tab) opens it in the room already open.
    follow(route) {
      if (route.page !== "case" || route.caseId !== caseId || failed) return false;
      if (!page) {
        asked = route.focus;
        return true;
      }
      return page.follow?.(route) ?? false;
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
      return warRoom(route.caseId, route.focus);
    case "compare":
      return inShell(comparePage(route.caseId, route.from, route.to));
    case "contribution":
      return inShell(contributionPage(route.caseId));
    case "clusters":
      return inShell(clustersPage());
    case "proposals":
      return inShell(proposalsPage());
    case "proposal":
      return inShell(proposalPage(route.proposalId));
    case "wallet":
      return inShell(walletPage());
    case "hr":
      return inShell(hrPage());
    case "account":
      return inShell(accountPage());
    case "access-requests":
      return inShell(accessRequestsPage());
    case "inbox":
      return inShell(inboxPage());
    case "admin-access":
      return inShell(adminAccessPage());
    case "knowledge":
      return inShell(knowledgePage());
    case "knowledge-asset":
      return inShell(knowledgeAssetPage(route.assetId, route.from, route.to));
    case "not-found":
      return { el: shell(h("p", { class: "notice notice-error" }, t("app.notFound"), h("a", { href: "#/cases" }, t("app.toMyCases")))) };
  }
}

function show(route: Route): void {
  if (route.page !== "signin" && !getToken()) {
    navigate(signInPath());
    return;
  }
  if (current?.follow?.(route)) return;
  current?.dispose?.();
  current = pageFor(route);
  root.replaceChildren(current.el);
}

/** The page again in the language just chosen: in place when it can, else built anew with its typed text. */
function relocalize(): void {
  const switching = Boolean(document.activeElement?.closest("[data-testid=language-switch]"));
  const scroll = window.scrollY;
  if (current?.relocalize) {
    current.relocalize();
    root.querySelector("header.topbar")?.replaceWith(topBar());
  } else {
    const kept = keepFields(root);
    show(parseRoute(location.hash));
    restoreFields(root, kept);
  }
  window.scrollTo({ top: scroll });
  // Keyboard users stay on the switch they pressed.
  if (switching) root.querySelector<HTMLElement>("[data-testid=language-switch] [aria-pressed=true]")?.focus();
}

onUnauthenticated(() => {
  clearSession();
  if (!location.hash.startsWith("#/signin")) navigate(signInPath());
});

onLanguageChange(relocalize);
// Every relative time of every page ("2 minutes ago") stays true while the page stays open.
keepTimesFresh(document.body);
onRouteChange(show);

// The frame around every page once signed in: brand, navigation, the notification bell, the language switch,
// who is signed in, sign out.

import { request } from "../api/client";
import { LogoutDocument } from "../api/generated/graphql";
import { resetSubscriptions } from "../api/subscriptions";
import { isAdmin } from "../admin/state";
import { approvesOrders, isHr } from "../hr/access";
import { t } from "../i18n";
import { languageSwitch } from "../i18n/switch";
import { bell } from "../notifications/bell";
import { navigate } from "../router";
import { clearSession, getUser } from "../session";
import { h } from "./dom";

async function signOut(): Promise<void> {
  try {
    await request(LogoutDocument);
  } catch {
    // The token is forgotten locally whatever the server says: an expired token is signed out already.
  }
  clearSession();
  resetSubscriptions();
  navigate("/signin");
}

/** The top bar in the current language. */
export function topBar(): HTMLElement {
  const user = getUser();
  return h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", href: "#/cases" }, t("shell.brand")),
    h(
      "nav",
      { class: "topnav" },
      h("a", { href: "#/cases" }, t("shell.cases")),
      h("a", { href: "#/knowledge", "data-testid": "nav-knowledge" }, t("shell.knowledge")),
      // Everyone may read the clusters of their own cases, but the page is R&D's tool (and admins').
      user && (user.role === "RD" || user.role === "ADMIN") ? h("a", { href: "#/clusters" }, t("shell.clusters")) : null,
      user && (user.role === "RD" || user.role === "ADMIN") ? h("a", { href: "#/proposals" }, t("shell.proposals")) : null,
      h("a", { href: "#/wallet" }, t("shell.wallet")),
      user?.role === "LEGAL" ? h("a", { href: "#/access-requests", "data-testid": "nav-access-requests" }, t("materials.legalPage.nav")) : null,
      isHr(user?.role) ? h("a", { href: "#/hr" }, t("shell.hr")) : approvesOrders(user?.role) ? h("a", { href: "#/hr" }, t("shell.approvals")) : null,
      isAdmin(user?.role) ? h("a", { href: "#/admin/access", "data-testid": "nav-admin-access" }, t("shell.access")) : null,
    ),
    h("span", { class: "spacer" }),
    user ? bell() : null,
    languageSwitch(),
    // The name opens the account page (password, sessions).
    user ? h("a", { class: "whoami", href: "#/account", title: user.email, "data-testid": "whoami" }, user.name) : null,
    h("button", { class: "button-quiet", type: "button", onclick: () => void signOut() }, t("shell.signOut")),
  );
}

/** Wraps a page's element in the top bar. */
export function shell(content: HTMLElement): HTMLElement {
  return h("div", { class: "app" }, topBar(), h("main", { class: "main" }, content));
}

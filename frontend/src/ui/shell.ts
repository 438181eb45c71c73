// The frame around every page once signed in: brand, navigation, who is signed in, sign out.

import { request } from "../api/client";
import { LogoutDocument } from "../api/generated/graphql";
import { resetSubscriptions } from "../api/subscriptions";
import { approvesOrders, isHr } from "../hr/access";
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

/** Wraps a page's element in the top bar. */
export function shell(content: HTMLElement): HTMLElement {
  const user = getUser();
  const bar = h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", href: "#/cases" }, "Warroom"),
    h(
      "nav",
      { class: "topnav" },
      h("a", { href: "#/cases" }, "Cases"),
      // Everyone may read the clusters of their own cases, but the page is R&D's tool (and admins').
      user && (user.role === "RD" || user.role === "ADMIN") ? h("a", { href: "#/clusters" }, "Clusters") : null,
      h("a", { href: "#/wallet" }, "Wallet"),
      isHr(user?.role) ? h("a", { href: "#/hr" }, "HR") : approvesOrders(user?.role) ? h("a", { href: "#/hr" }, "Approvals") : null,
    ),
    h("span", { class: "spacer" }),
    // The name opens the account page (password, sessions).
    user ? h("a", { class: "whoami", href: "#/account", title: user.email, "data-testid": "whoami" }, user.name) : null,
    h("button", { class: "button-quiet", type: "button", onclick: () => void signOut() }, "Sign out"),
  );
  return h("div", { class: "app" }, bar, h("main", { class: "main" }, content));
}

// Your account: change the password (your other sessions are signed out), or sign out everywhere.

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { ChangePasswordDocument, SignOutEverywhereDocument } from "../api/generated/graphql";
import { resetSubscriptions } from "../api/subscriptions";
import { t } from "../i18n";
import { navigate } from "../router";
import { clearSession, getUser } from "../session";
import { h } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";

function passwordInput(name: string, autocomplete: string): HTMLInputElement {
  return h("input", { type: "password", name, autocomplete, required: true, minlength: 8 });
}

export function accountPage(): Page {
  const user = getUser();
  const current = passwordInput("current", "current-password");
  const fresh = passwordInput("new", "new-password");
  const again = passwordInput("again", "new-password");
  const change = h("button", { type: "submit", class: "button-primary" }, t("account.changePassword"));
  const changed = noticeArea();

  async function changePassword(event: Event): Promise<void> {
    event.preventDefault();
    changed.clear();
    if (fresh.value !== again.value) {
      changed.show(t("account.passwordsDiffer"));
      return;
    }
    change.disabled = true;
    try {
      const { changePassword: others } = await request(ChangePasswordDocument, {
        current: current.value,
        new: fresh.value,
      });
      form.reset();
      changed.show(
        others === 0 ? t("account.changed") : t("account.changedSignedOut", { count: others }),
        "info",
      );
    } catch (error) {
      changed.show(errorMessage(error, "account"));
    } finally {
      change.disabled = false;
    }
  }

  const everywhere = h("button", { type: "button", class: "button-quiet" }, t("account.signOutEverywhere"));
  const signedOut = noticeArea();

  async function signOutEverywhere(): Promise<void> {
    everywhere.disabled = true;
    signedOut.clear();
    try {
      await request(SignOutEverywhereDocument);
      clearSession();
      resetSubscriptions();
      navigate("/signin");
    } catch (error) {
      signedOut.show(errorMessage(error));
      everywhere.disabled = false;
    }
  }
  everywhere.addEventListener("click", () => void signOutEverywhere());

  const form = h(
    "form",
    { class: "signin-form account-form", onsubmit: (event) => void changePassword(event) },
    h("h2", {}, t("account.changePassword")),
    h("label", {}, t("account.current"), current),
    h("label", {}, t("account.new"), fresh),
    h("label", {}, t("account.again"), again),
    changed.el,
    change,
  );
  const el = h(
    "section",
    { class: "account" },
    h("h1", {}, t("account.heading")),
    user ? h("p", {}, `${user.name} · ${user.email}`) : null,
    form,
    h(
      "section",
      { class: "account-sessions" },
      h("h2", {}, t("account.sessions")),
      h("p", { class: "hint" }, t("account.sessionsHint")),
      signedOut.el,
      everywhere,
    ),
  );
  return { el };
}

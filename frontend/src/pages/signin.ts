// Sign in with email and password; demo accounts are listed when the server runs the demo seed.

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import { DemoLoginsDocument, LoginDocument } from "../api/generated/graphql";
import type { DemoLogin } from "../api/types";
import { t } from "../i18n";
import { languageSwitch } from "../i18n/switch";
import { navigate } from "../router";
import { saveSession } from "../session";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";

function demoList(logins: DemoLogin[], fill: (login: DemoLogin) => void): HTMLElement {
  return h(
    "section",
    { class: "demo-logins", "aria-label": t("signin.demoTitle") },
    h("h2", {}, t("signin.demoTitle")),
    h("p", { class: "hint" }, t("signin.demoHint")),
    h(
      "ul",
      {},
      ...logins.map((login) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", class: "demo-login", "data-email": login.email, onclick: () => fill(login) },
            h("span", { class: "demo-name" }, login.name),
            h("span", { class: "badge" }, t(`roles.user.${login.role}`)),
            h("span", { class: "demo-email" }, login.email),
          ),
        ),
      ),
    ),
  );
}

export function signInPage(next: string | null): Page {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", {
    type: "password",
    name: "password",
    autocomplete: "current-password",
    required: true,
  });
  const submit = h("button", { type: "submit", class: "button-primary" }, t("signin.submit"));
  const notice = noticeArea();
  const demos = h("div", {});

  async function signIn(event: Event): Promise<void> {
    event.preventDefault();
    notice.clear();
    submit.disabled = true;
    try {
      const { login } = await request(LoginDocument, {
        email: email.value.trim(),
        password: password.value,
      });
      saveSession(login.token, login.user);
      navigate(next && next.startsWith("/") ? next : "/cases");
    } catch (error) {
      notice.show(errorMessage(error, "signin"));
    } finally {
      submit.disabled = false;
    }
  }

  const form = h(
    "form",
    { class: "signin-form", onsubmit: (event) => void signIn(event) },
    h("h1", {}, t("signin.title")),
    h("label", {}, t("signin.email"), email),
    h("label", {}, t("signin.password"), password),
    notice.el,
    submit,
  );

  request(DemoLoginsDocument)
    .then(({ demoLogins }) => {
      if (demoLogins.length === 0) return;
      replaceChildren(
        demos,
        demoList(demoLogins, (login) => {
          email.value = login.email;
          password.value = login.password;
          submit.focus();
        }),
      );
    })
    .catch(() => {
      // The demo list is a convenience: without it the form still works.
    });

  return { el: h("div", { class: "signin" }, h("div", { class: "signin-language" }, languageSwitch()), form, demos) };
}

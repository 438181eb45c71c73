// Who may open a material's content, under it in the list: my request and grant, and what the case's owner
// (the customer's authorization) and legal (the approval) still have to do. The server decides every step;
// the buttons show who is expected to act.

import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import {
  ApproveMaterialAccessDocument,
  MaterialAccessRequestsDocument,
  RecordCustomerAuthorizationDocument,
  RejectMaterialAccessDocument,
  RequestMaterialAccessDocument,
  RevokeMaterialAccessDocument,
  type MaterialAccessRequestFieldsFragment as AccessRequest,
  type MaterialGrantFieldsFragment as Grant,
} from "../api/generated/graphql";
import { hasMessage, t, translate } from "../i18n";
import { formatDate } from "../i18n/format";
import { h, replaceChildren } from "../ui/dom";
import { inlineAction } from "../ui/inline-action";
import { noticeArea } from "../ui/notice";
import type { Room } from "../warroom/room";
import { downloadContent, missingOf } from "./download";

/** Re-read the list, then show `message` (a refusal, or what just happened) under it. */
export type Changed = (message?: string, kind?: "error" | "info") => void;

function when(iso: string): string {
  return formatDate(iso, { dateStyle: "medium", timeStyle: "short" });
}

/** After a followed link the server counts the download as the browser starts it: look again then. */
const RECOUNT_MS = 1500;

function grantLine(grant: Grant, mine: boolean, name: string, changed: Changed, notice: ReturnType<typeof noticeArea>): HTMLElement {
  const left = grant.downloadsLeft;
  const state = h("span", { class: "hint", "data-testid": "grant-state" }, t(`materials.grant.state.${grant.state}`, { until: when(grant.expiresAt), left, count: left }));
  const download =
    mine && grant.state === "LIVE"
      ? h(
          "button",
          {
            type: "button",
            class: "button-primary",
            "data-testid": "material-download",
            onclick: async (event: Event) => {
              const button = event.currentTarget as HTMLButtonElement;
              button.disabled = true;
              notice.clear();
              try {
                await downloadContent(grant.materialId, name);
                notice.show(t("materials.download.started", { name }), "info");
                window.setTimeout(() => changed(t("materials.download.started", { name }), "info"), RECOUNT_MS);
              } catch (error) {
                const missing = missingOf(error);
                // The grant ended since the list was read: say why, and show the list as it is now.
                const why = missing ? `materials.download.refused.${missing}` : "";
                changed(why && hasMessage(why) ? translate(why) : errorMessage(error));
              }
            },
          },
          t("materials.grant.download", { left }),
        )
      : null;
  return h("div", { class: "material-grant" }, state, download);
}

/** Legal's approval with the grant's limits (the server caps hours at 168). */
function approveForm(requestId: string, notice: ReturnType<typeof noticeArea>, changed: Changed): HTMLElement {
  const hours = h("input", { type: "number", name: "hours", min: 1, max: 168, value: 24, required: true });
  const downloads = h("input", { type: "number", name: "downloads", min: 1, max: 20, value: 3, required: true });
  const send = h("button", { type: "submit", class: "button-primary" }, t("materials.access.approve"));
  const form = h(
    "form",
    { class: "material-approve", "aria-label": t("materials.access.approveLabel") },
    h("label", {}, t("materials.access.hours"), hours),
    h("label", {}, t("materials.access.downloads"), downloads),
    send,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    notice.clear();
    send.disabled = true;
    request(ApproveMaterialAccessDocument, { requestId, hours: Number(hours.value), downloads: Number(downloads.value) })
      .then(() => changed())
      .catch((error: unknown) => {
        notice.show(errorMessage(error));
        send.disabled = false;
      });
  });
  return form;
}

/** One request with the steps the signed-in person may take on it (`isOwner`: of the request's case). */
export function requestItem(item: AccessRequest, me: { id: string; role: string }, isOwner: boolean, name: string, changed: Changed): HTMLElement {
  const notice = noticeArea();
  const mine = item.requester?.id === me.id;
  const isLegal = me.role === "LEGAL";
  const pending = item.status === "PENDING";
  const actions: HTMLElement[] = [];
  if (pending && isOwner && !mine && item.missing.includes("CUSTOMER_AUTHORIZATION") && item.approval?.by?.id !== me.id) {
    actions.push(
      inlineAction({
        name: "authorize",
        button: t("materials.access.authorize"),
        formLabel: t("materials.access.authorize"),
        fieldLabel: t("materials.access.evidence"),
        placeholder: t("materials.access.evidencePlaceholder"),
        required: true,
        confirm: t("materials.access.authorizeConfirm"),
        run: async (evidence) => (await request(RecordCustomerAuthorizationDocument, { requestId: item.id, evidence })).recordCustomerAuthorization,
        done: () => changed(),
      }),
    );
  }
  if (pending && isLegal && !mine && item.missing.includes("LEGAL_APPROVAL") && item.authorization?.by?.id !== me.id) {
    actions.push(approveForm(item.id, notice, changed));
  }
  if (pending && (isOwner || isLegal) && !mine) {
    actions.push(
      inlineAction({
        name: "reject-access",
        button: t("materials.access.reject"),
        formLabel: t("materials.access.reject"),
        fieldLabel: t("materials.access.rejectReason"),
        placeholder: "",
        required: true,
        confirm: t("materials.access.rejectConfirm"),
        run: async (reason) => (await request(RejectMaterialAccessDocument, { requestId: item.id, reason })).rejectMaterialAccess,
        done: () => changed(),
      }),
    );
  }
  const grant = item.grant;
  if (grant && grant.state === "LIVE" && (isOwner || isLegal)) {
    actions.push(
      h(
        "button",
        {
          type: "button",
          class: "button-quiet",
          "data-testid": "material-revoke",
          "aria-label": t("materials.access.revokeFor", { name: item.requester?.name ?? "—", material: name }),
          onclick: async (event: Event) => {
            (event.currentTarget as HTMLButtonElement).disabled = true;
            try {
              await request(RevokeMaterialAccessDocument, { grantId: grant.id });
              changed(t("materials.access.revoked", { name: item.requester?.name ?? "—" }), "info");
            } catch (error) {
              changed(errorMessage(error));
            }
          },
        },
        t("materials.access.revoke"),
      ),
    );
  }
  const waiting = pending ? item.missing.map((missing) => t(`materials.access.missing.${missing}`)).join(t("materials.access.separator")) : "";
  return h(
    "li",
    { class: "material-request", "data-testid": "material-request", "data-status": item.status },
    h("p", {}, t(mine ? "materials.access.mine" : "materials.access.theirs", { name: item.requester?.name ?? "—", reason: item.reason })),
    h("p", { class: "hint" }, t(`materials.access.status.${item.status}`), waiting ? ` · ${t("materials.access.waitingFor", { what: waiting })}` : "", item.rejection ? ` · ${item.rejection.reason}` : ""),
    grant ? grantLine(grant, mine, name, changed, notice) : null,
    actions.length ? h("div", { class: "form-actions" }, ...actions) : null,
    notice.el,
  );
}

/** The access part of one material's row; re-reads itself after every step. */
export function accessSection(room: Room, materialId: string, name: string): HTMLElement {
  const list = h("ul", { class: "material-requests" });
  const notice = noticeArea();
  const asking = h("div", { class: "material-ask" });
  const el = h("div", { class: "material-access", "data-testid": "material-access" }, list, asking, notice.el);

  async function load(message?: string, kind: "error" | "info" = "error"): Promise<void> {
    try {
      const { materialAccessRequests } = await request(MaterialAccessRequestsDocument, { materialId, first: 50 });
      const items = materialAccessRequests.nodes;
      const changed: Changed = (next, nextKind) => void load(next, nextKind);
      replaceChildren(list, ...items.map((item) => requestItem(item, room.me, room.item.myRole === "OWNER", name, changed)));
      const open = items.some((item) => item.requester?.id === room.me.id && (item.status === "PENDING" || item.grant?.state === "LIVE"));
      replaceChildren(
        asking,
        open
          ? null
          : inlineAction({
              name: "request-access",
              button: t("materials.access.request"),
              formLabel: t("materials.access.request"),
              fieldLabel: t("materials.access.reason"),
              placeholder: t("materials.access.reasonPlaceholder"),
              required: true,
              confirm: t("materials.access.requestConfirm"),
              run: async (reason) => (await request(RequestMaterialAccessDocument, { materialId, reason })).requestMaterialAccess,
              done: () => void load(),
            }),
      );
      if (message) notice.show(message, kind);
      else notice.clear();
    } catch (error) {
      notice.show(errorMessage(error));
    }
  }
  void load();
  return el;
}

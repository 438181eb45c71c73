// "Re-cluster now": starts the team's re-clustering job and follows it with job(id) until it ends.

import { request } from "../api/client";
import { JobDocument, ReclusterPainPointsDocument } from "../api/generated/graphql";
import { ApiError, errorMessage } from "../api/errors";
import type { Job } from "../painpoints/types";
import { t } from "../i18n";
import { formatNumber } from "../i18n/format";
import { h } from "../ui/dom";

const POLL_MS = 1_000;

function describe(job: Job): string {
  switch (job.status) {
    case "QUEUED":
      return t("clusters.recluster.queued");
    case "RUNNING":
      return t("clusters.recluster.running", { percent: formatNumber(Math.round(job.progress * 100) / 100, { style: "percent" }) });
    case "SUCCEEDED":
      return t("clusters.recluster.succeeded");
    case "FAILED":
      // The job's error is the server's (English, technical); the sentence around it is translated.
      return t("clusters.recluster.failed", { reason: job.error ?? t("clusters.recluster.noReason") });
  }
}

export interface ReclusterControl {
  el: HTMLElement;
  /** True from the click until the job it started has ended. */
  running: () => boolean;
  dispose: () => void;
}

/** `onStart`: a re-clustering was asked for here; `onFinished`: it succeeded. */
export function reclusterControl(onStart: () => void, onFinished: () => void): ReclusterControl {
  const button = h("button", { type: "button", class: "button-primary" }, t("clusters.recluster.button"));
  const bar = h("progress", { max: 1, value: 0, hidden: true, "aria-label": t("clusters.recluster.progress") });
  const status = h("span", { class: "recluster-status", role: "status", "data-testid": "recluster-status" });
  let timer: number | undefined;
  let refusedUntil: number | undefined; // the button waits out a RATE_LIMITED refusal
  let disposed = false;
  let following = false;

  function show(job: Job): void {
    status.textContent = describe(job);
    status.dataset.status = job.status;
    status.classList.toggle("failed", job.status === "FAILED");
    bar.hidden = job.status === "SUCCEEDED" || job.status === "FAILED";
    // An indeterminate bar while queued: no progress to show yet.
    if (job.status === "QUEUED") bar.removeAttribute("value");
    else bar.value = job.progress;
  }

  async function follow(id: string): Promise<void> {
    if (disposed) return;
    try {
      const { job } = await request(JobDocument, { id });
      if (disposed) return;
      show(job);
      if (job.status === "SUCCEEDED" || job.status === "FAILED") {
        button.disabled = false;
        following = false;
        if (job.status === "SUCCEEDED") onFinished();
        return;
      }
    } catch (error) {
      status.textContent = errorMessage(error);
      // A lost connection is worth waiting out; any other error will not go away by asking again.
      if (!(error instanceof ApiError && error.code === "NETWORK")) {
        status.classList.add("failed");
        button.disabled = false;
        following = false;
        return;
      }
    }
    timer = window.setTimeout(() => void follow(id), POLL_MS);
  }

  button.addEventListener("click", () => {
    button.disabled = true;
    following = true;
    onStart();
    status.classList.remove("failed");
    status.textContent = t("clusters.recluster.starting");
    request(ReclusterPainPointsDocument, {})
      .then(({ reclusterPainPoints }) => {
        show(reclusterPainPoints.job);
        void follow(reclusterPainPoints.jobId);
      })
      .catch((error: unknown) => {
        status.textContent = errorMessage(error);
        status.classList.add("failed");
        following = false;
        const wait = error instanceof ApiError && error.code === "RATE_LIMITED" ? error.details.retryAfter : undefined;
        if (typeof wait !== "number") {
          button.disabled = false;
          return;
        }
        // Asking again before the wait is over is refused again: the button comes back when it may succeed.
        refusedUntil = window.setTimeout(() => {
          button.disabled = false;
          status.textContent = "";
          status.classList.remove("failed");
        }, wait * 1000);
      });
  });

  return {
    el: h("div", { class: "recluster" }, button, bar, status),
    running: () => following,
    dispose() {
      disposed = true;
      window.clearTimeout(timer);
      window.clearTimeout(refusedUntil);
    },
  };
}

// The knowledge library (#/knowledge): assets in my audience found by words (and tags) or by meaning, a page
// at a time; #/knowledge/ID one asset: its redacted text, its versions with their change notes, what changed
// between two of them (?from=&to=), subscribe, start a case from it.

import "../styles/knowledge.css";
import "../styles/versions.css";
import { request } from "../api/client";
import { errorMessage } from "../api/errors";
import {
  KnowledgeAssetDiffDocument,
  KnowledgeAssetDocument,
  KnowledgeAssetsDocument,
  SimilarKnowledgeAssetsDocument,
  SubscribeToKnowledgeAssetDocument,
  UnsubscribeFromKnowledgeAssetDocument,
} from "../api/generated/graphql";
import { t } from "../i18n";
import { assetCard, assetFacts, tagList } from "../knowledge/card";
import { assetDiff } from "../knowledge/diff";
import { maskedText } from "../knowledge/masked";
import { startCaseFrom } from "../knowledge/start-case";
import { parseTags, type AssetDetail, type AssetVersion } from "../knowledge/types";
import { casePath, knowledgePath } from "../router";
import { h, replaceChildren } from "../ui/dom";
import { noticeArea } from "../ui/notice";
import type { Page } from "../ui/page";
import { timeElement } from "../ui/time";

const PAGE_SIZE = 20;

export function knowledgePage(): Page {
  const notice = noticeArea();
  const query = h("input", { type: "search", name: "query", maxlength: 200, placeholder: t("knowledge.library.searchPlaceholder"), "data-testid": "knowledge-search" });
  const tags = h("input", { type: "text", name: "tags", maxlength: 200, placeholder: t("knowledge.library.tagsPlaceholder"), "data-testid": "knowledge-tags" });
  const meaning = h("input", { type: "checkbox", name: "meaning", role: "switch", "data-testid": "knowledge-meaning" });
  const search = h("button", { type: "submit", class: "button-primary" }, t("knowledge.library.search"));
  const list = h("ul", { class: "asset-list", "data-testid": "assets", "aria-live": "polite", "aria-busy": "false" });
  const more = h("button", { type: "button", class: "button-quiet", hidden: true }, t("common.showMore"));
  let cursor: string | null = null;
  let generation = 0;

  async function load(fresh: boolean): Promise<void> {
    const mine = fresh ? ++generation : generation;
    if (fresh) cursor = null;
    const words = query.value.trim();
    const wanted = parseTags(tags.value);
    more.disabled = true;
    list.setAttribute("aria-busy", "true");
    try {
      let cards: HTMLElement[];
      let hasMore = false;
      if (meaning.checked && words) {
        const { similarKnowledgeAssets } = await request(SimilarKnowledgeAssetsDocument, { text: words, first: PAGE_SIZE });
        const lower = wanted.map((tag) => tag.toLowerCase());
        cards = similarKnowledgeAssets
          .filter((match) => lower.every((tag) => match.asset.tags.some((own) => own.toLowerCase() === tag)))
          .map((match) => assetCard(match.asset, match.score));
      } else {
        const { knowledgeAssets } = await request(KnowledgeAssetsDocument, { query: words || null, tags: wanted.length ? wanted : null, first: PAGE_SIZE, after: cursor });
        cards = knowledgeAssets.nodes.map((asset) => assetCard(asset));
        cursor = knowledgeAssets.pageInfo.endCursor ?? null;
        hasMore = knowledgeAssets.pageInfo.hasNextPage;
      }
      if (mine !== generation) return;
      notice.clear();
      if (fresh) replaceChildren(list, ...(cards.length ? cards : [h("li", { class: "empty", "data-testid": "no-assets" }, words || wanted.length ? t("knowledge.library.noMatch") : t("knowledge.library.empty"))]));
      else list.append(...cards);
      more.hidden = !hasMore;
    } catch (error) {
      if (mine === generation) notice.show(errorMessage(error));
    } finally {
      if (mine === generation) {
        more.disabled = false;
        list.setAttribute("aria-busy", "false");
      }
    }
  }

  const form = h(
    "form",
    { class: "knowledge-search", role: "search", onsubmit: (event) => {
      event.preventDefault();
      void load(true);
    } },
    h("label", {}, t("knowledge.library.searchLabel"), query),
    h("label", {}, t("knowledge.library.tagsLabel"), tags),
    h("label", { class: "inline switch" }, meaning, t("knowledge.library.byMeaning")),
    search,
  );
  meaning.addEventListener("change", () => void load(true));
  more.addEventListener("click", () => void load(false));
  void load(true);
  const el = h(
    "div",
    { class: "knowledge-page", "data-testid": "knowledge-page" },
    h("h1", {}, t("knowledge.library.heading")),
    h("p", { class: "hint" }, t("knowledge.library.intro")),
    form,
    notice.el,
    list,
    more,
  );
  return { el };
}

function versionRow(assetId: string, version: AssetVersion): HTMLElement {
  return h(
    "li",
    { class: "asset-version", "data-testid": "asset-version-row", "data-version": version.version },
    h("strong", {}, t("knowledge.version", { version: version.version })),
    " · ",
    version.publishedBy ? h("span", { translate: "no" }, version.publishedBy.name) : null,
    version.publishedBy ? " · " : "",
    timeElement(version.publishedAt),
    version.changeNote ? h("p", { class: "asset-change-note", translate: "no" }, version.changeNote) : null,
    version.version > 1
      ? h("a", { class: "link-button", href: `#${knowledgePath(assetId, { from: version.version - 1, to: version.version })}`, "data-testid": "asset-version-diff" }, t("knowledge.asset.whatChanged", { from: version.version - 1 }))
      : null,
  );
}

export function knowledgeAssetPage(id: string, from: number | null, to: number | null): Page {
  const notice = noticeArea();
  const holder = h("div", { class: "asset-holder" }, h("p", { class: "loading" }, t("common.loading")));

  function subscribeButton(asset: AssetDetail): HTMLButtonElement {
    const button = h(
      "button",
      { type: "button", class: asset.subscribed ? "button-quiet" : "button-primary", "aria-pressed": String(asset.subscribed), "data-testid": "asset-subscribe" },
      t(asset.subscribed ? "knowledge.asset.unsubscribe" : "knowledge.asset.subscribe"),
    );
    button.addEventListener("click", () => {
      notice.clear();
      button.disabled = true;
      const change = asset.subscribed
        ? request(UnsubscribeFromKnowledgeAssetDocument, { id }).then((r) => r.unsubscribeFromKnowledgeAsset)
        : request(SubscribeToKnowledgeAssetDocument, { id }).then((r) => r.subscribeToKnowledgeAsset);
      change
        .then((changed) => {
          show({ ...asset, ...changed });
          notice.show(t(changed.subscribed ? "knowledge.asset.subscribed" : "knowledge.asset.unsubscribed"), "info");
          holder.querySelector<HTMLElement>("[data-testid=asset-subscribe]")?.focus();
        })
        .catch((error: unknown) => {
          notice.show(errorMessage(error));
          button.disabled = false;
        });
    });
    return button;
  }

  function show(asset: AssetDetail): void {
    const diffHolder = h("div", { class: "asset-diff-holder" });
    replaceChildren(
      holder,
      h(
        "header",
        { class: "asset-head" },
        h("h1", { "data-testid": "asset-title", translate: "no" }, asset.title),
        asset.summary ? h("p", { class: "asset-summary", translate: "no" }, asset.summary) : null,
        tagList(asset.tags),
        assetFacts(asset),
        asset.sourceCase ? h("p", {}, t("knowledge.asset.from"), h("a", { href: `#${casePath(asset.sourceCase.id)}`, "data-testid": "asset-source-case", translate: "no" }, asset.sourceCase.title)) : null,
        h(
          "div",
          { class: "asset-actions" },
          subscribeButton(asset),
          h("button", { type: "button", class: "button-quiet", "data-testid": "asset-start-case", onclick: () => void startCaseFrom(asset) }, t("knowledge.asset.startCase")),
        ),
      ),
      diffHolder,
      h(
        "section",
        { class: "card", "aria-labelledby": "asset-text-heading" },
        h("h2", { id: "asset-text-heading" }, t("knowledge.asset.text", { version: asset.published.version })),
        h("p", { class: "hint" }, t("knowledge.asset.readOnly")),
        maskedText(asset.published.text, asset.published.maskedSpans),
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "asset-versions-heading" },
        h("h2", { id: "asset-versions-heading" }, t("knowledge.asset.versions")),
        h("ol", { class: "asset-versions", "data-testid": "asset-versions" }, ...asset.versions.map((version) => versionRow(id, version))),
      ),
    );
    if (from !== null) {
      replaceChildren(diffHolder, h("p", { class: "loading" }, t("common.loading")));
      request(KnowledgeAssetDiffDocument, { assetId: id, fromVersion: from, toVersion: to })
        .then(({ knowledgeAssetDiff }) => replaceChildren(diffHolder, assetDiff(knowledgeAssetDiff)))
        .catch((error: unknown) => replaceChildren(diffHolder, h("p", { class: "notice notice-error", role: "alert" }, errorMessage(error))));
    }
  }

  request(KnowledgeAssetDocument, { id })
    .then(({ knowledgeAsset }) => show(knowledgeAsset))
    .catch((error: unknown) => {
      replaceChildren(holder);
      notice.show(errorMessage(error));
    });
  const el = h("div", { class: "knowledge-page asset-page" }, h("p", {}, h("a", { href: "#/knowledge", "data-testid": "back-to-library" }, t("knowledge.asset.back"))), notice.el, holder);
  return { el };
}

"""The war room's Materials tab in a real browser: an upload with its progress bar, the summary with the
customer's personal data masked, and the two-person path to the file itself (request, the owner records the
customer's authorization, legal approves, the requester downloads the very same bytes)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import Api, People, Person

SUMMARY_MS = 30_000
CONTENT = (
    "客户未公开的产线需求：节拍提升到 45 秒。\n"
    "联系人张三，手机 13812345678，邮箱 zhang.san@example.com，身份证 11010519491231002X。\n"
    "Customer contact: +86 138 1234 5678, zhang.san@example.com.\n"
).encode()


def _materials(page: Page) -> None:
    page.get_by_role("tab", name="Materials").click()


def test_a_material_is_uploaded_summarised_masked_and_opened_by_two_people(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(
        people.alice,
        "Acme line upgrade",
        "Acme Manufacturing",
        {people.lina: "EDITOR", people.victor: "VIEWER", people.legal: "VIEWER"},
    )

    lina = war_room(people.lina, case_id)
    _materials(lina)
    expect(lina.get_by_test_id("material-list")).to_contain_text("No materials on this case yet.")
    upload = lina.get_by_test_id("material-upload")
    upload.get_by_label("File").set_input_files(
        {"name": "客户需求.txt", "mimeType": "text/plain", "buffer": CONTENT}
    )
    upload.get_by_label("Note").fill("From the kickoff call")
    upload.get_by_role("button", name="Upload").click()
    expect(lina.get_by_test_id("material-progress")).to_have_attribute("value", "100")
    expect(lina.get_by_test_id("material-progress-text")).to_have_text("Uploaded “客户需求.txt”.")
    row = lina.get_by_test_id("material").filter(has_text="客户需求.txt")
    summary = row.get_by_test_id("material-summary")
    expect(summary).to_contain_text("138****5678", timeout=SUMMARY_MS)
    expect(summary).to_contain_text("z***@example.com")
    expect(summary).to_contain_text("110105********002X")
    expect(summary).not_to_contain_text("13812345678")
    expect(summary.locator("mark.masked").first).to_be_visible()
    expect(row).to_contain_text("From the kickoff call")
    screenshot(lina, "materials-uploaded")

    # The uploader rewords the summary; a viewer gets no such button.
    row.get_by_test_id("material-summary-edit").click()
    row.get_by_label("Summary (keep personal data masked)").fill("产线节拍需求；联系人 138****5678。")
    row.get_by_role("button", name="Save summary").click()
    expect(row.get_by_test_id("material-summary")).to_have_text("产线节拍需求；联系人 138****5678。")

    # A viewer reads the summary, cannot upload, and asks for the file.
    victor = war_room(people.victor, case_id)
    _materials(victor)
    expect(victor.get_by_test_id("material-no-upload")).to_be_visible()
    expect(victor.get_by_test_id("material-upload")).to_have_count(0)
    expect(victor.get_by_test_id("material-summary-edit")).to_have_count(0)
    theirs = victor.get_by_test_id("material").filter(has_text="客户需求.txt")
    expect(theirs.get_by_test_id("material-summary")).to_contain_text("138****5678")
    theirs.get_by_role("button", name="Request access").click()
    theirs.get_by_label("Why do you need the file?").fill("核对客户原话 before the design review")
    theirs.get_by_role("button", name="Send request").click()
    pending = theirs.get_by_test_id("material-request")
    expect(pending).to_have_attribute("data-status", "PENDING")
    expect(pending).to_contain_text("waiting for the customer's authorization and legal's approval")
    expect(theirs.get_by_test_id("material-download")).to_have_count(0)

    # The owner records how the customer agreed; legal approves: two people, neither the requester.
    alice = war_room(people.alice, case_id)
    _materials(alice)
    asked = alice.get_by_test_id("material-request").filter(has_text="Victor Viewer")
    asked.get_by_role("button", name="Record customer authorization").click()
    asked.get_by_label("How did the customer agree?").fill("客户邮件 2026-12-01, ref ACME-4711")
    asked.get_by_role("button", name="Record", exact=True).click()
    expect(alice.get_by_test_id("material-request").filter(has_text="Victor Viewer")).to_contain_text(
        "waiting for legal's approval"
    )
    expect(alice.get_by_role("button", name="Approve (legal)")).to_have_count(0)  # the owner is not legal

    legal = war_room(people.legal, case_id)
    _materials(legal)
    to_approve = legal.get_by_test_id("material-request").filter(has_text="Victor Viewer")
    to_approve.get_by_label("Hours open").fill("48")
    to_approve.get_by_label("Downloads").fill("2")
    to_approve.get_by_role("button", name="Approve (legal)").click()
    expect(legal.get_by_test_id("material-request").filter(has_text="Victor Viewer")).to_have_attribute(
        "data-status", "GRANTED"
    )
    screenshot(legal, "materials-approved")

    # The requester downloads exactly what was uploaded, and the count goes down.
    victor.reload()
    _materials(victor)
    download_button = victor.get_by_test_id("material-download")
    expect(download_button).to_have_text("Download (2 left)")
    with victor.expect_download() as caught:
        download_button.click()
    download = caught.value
    assert download.suggested_filename == "客户需求.txt"
    assert (
        hashlib.sha256(Path(download.path()).read_bytes()).hexdigest() == hashlib.sha256(CONTENT).hexdigest()
    )
    expect(victor.get_by_test_id("material-download")).to_have_text("Download (1 left)")
    screenshot(victor, "materials-downloaded")


def test_legal_who_is_not_on_the_case_approves_from_the_access_requests_page(
    api: Api,
    people: People,
    signed_in: Callable[[Person], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.alice, "Beta site survey", "Beta Corp", {people.victor: "VIEWER"})
    material = api.upload_material(
        people.alice, case_id, "现场视频说明.txt", "现场联系人 13900001111\n".encode()
    )
    asked = api.call(people.victor, "RequestMaterialAccess", materialId=material, reason="复核现场条件")
    request_id = asked["requestMaterialAccess"]["id"]
    api.call(people.alice, "RecordCustomerAuthorization", requestId=request_id, evidence="客户签字表 BETA-7")

    legal = signed_in(people.legal)
    legal.get_by_test_id("nav-access-requests").click()
    waiting = legal.get_by_test_id("material-request").filter(has_text="复核现场条件")
    expect(waiting).to_contain_text("waiting for legal's approval")
    expect(waiting.get_by_role("link", name="现场视频说明.txt")).to_be_visible()
    screenshot(legal, "materials-legal-requests")
    waiting.get_by_label("Hours open").fill("12")
    waiting.get_by_label("Downloads").fill("1")
    waiting.get_by_role("button", name="Approve (legal)").click()
    expect(legal.get_by_test_id("access-requests")).to_contain_text("No pending requests.")

    mine = api.call(people.victor, "MaterialAccessRequests", materialId=material)["materialAccessRequests"][
        "nodes"
    ]
    assert [(r["status"], r["grant"]["downloadsAllowed"], r["approval"]["hours"]) for r in mine] == [
        ("GRANTED", 1, 12)
    ]

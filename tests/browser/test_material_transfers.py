"""Moving material files in a real browser: a multi-MiB download saved to disk as it streams (the browser
follows a single-use link, no Blob in the page), legal revoking a live grant from the access page and the
requester's download then refused with a clear sentence, an upload past the server's limit refused with
the limit, and a cancelled upload that leaves nothing stored."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import MATERIAL_MAX_BYTES, Api, People, Person

MIB = 1024 * 1024


def _materials(page: Page) -> None:
    page.get_by_role("tab", name="Materials").click()


def _granted(api: Api, people: People, material_id: str, downloads: int) -> str:
    """Victor's request, authorized by Alice (owner) and approved by legal; the grant's id."""
    asked = api.call(
        people.victor, "RequestMaterialAccess", materialId=material_id, reason="核对客户原始录像"
    )
    request_id = asked["requestMaterialAccess"]["id"]
    api.call(people.alice, "RecordCustomerAuthorization", requestId=request_id, evidence="客户邮件 REF-20")
    approved = api.call(
        people.legal, "ApproveMaterialAccess", requestId=request_id, hours=2, downloads=downloads
    )
    grant_id: str = approved["approveMaterialAccess"]["grant"]["id"]
    return grant_id


def test_a_multi_mib_file_is_saved_as_it_streams_not_held_in_the_page(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(
        people.alice, "Site video review", "Gamma Foods", {people.victor: "VIEWER", people.legal: "VIEWER"}
    )
    data = os.urandom(6 * MIB + 4321) + "现场录像结尾 end of recording".encode()
    material_id = api.upload_material(people.alice, case_id, "现场录像 site video.bin", data)
    _granted(api, people, material_id, downloads=2)

    victor = war_room(people.victor, case_id)
    _materials(victor)
    button = victor.get_by_test_id("material-download")
    expect(button).to_have_text("Download (2 left)")
    with victor.expect_download() as caught:
        button.click()
    download = caught.value
    # The browser followed the server's single-use link: a Blob built in the page would be a blob: URL.
    assert f"/materials/{material_id}/content?ticket=" in download.url, download.url
    assert download.suggested_filename == "现场录像 site video.bin"
    saved = Path(download.path())
    assert saved.stat().st_size == len(data)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()
    expect(
        victor.get_by_role("status").filter(has_text="Downloading “现场录像 site video.bin”")
    ).to_be_visible()
    # The server counted it as the browser started it; the list reads it again.
    expect(victor.get_by_test_id("material-download")).to_have_text("Download (1 left)")
    expect(victor.get_by_test_id("grant-state")).to_contain_text("1 download left")
    screenshot(victor, "materials-streamed-download")


def test_legal_revokes_a_live_grant_and_the_requester_is_told_why_the_download_fails(
    api: Api,
    people: People,
    signed_in: Callable[[Person], Page],
    war_room: Callable[[Person, str], Page],
    screenshot: Callable[[Page, str], Path],
) -> None:
    case_id = api.create_case(people.alice, "Delta plant drawings", "Delta Motors", {people.victor: "VIEWER"})
    name = "三号线图纸 line 3 drawing.txt"
    material_id = api.upload_material(people.alice, case_id, name, "图纸说明：联系人 13900002222\n".encode())
    _granted(api, people, material_id, downloads=3)
    # And a request nobody decided yet: legal sees legal's steps for it, not the owner's.
    other = api.upload_material(people.alice, case_id, "四号线图纸.txt", "四号线说明\n".encode())
    pending = api.call(people.victor, "RequestMaterialAccess", materialId=other, reason="对比四号线")

    victor = war_room(people.victor, case_id)
    _materials(victor)
    expect(victor.get_by_test_id("material-download")).to_have_text("Download (3 left)")

    # Legal (not on the case) finds the open grant on the access page and revokes it by keyboard.
    legal = signed_in(people.legal)
    legal.get_by_test_id("nav-access-requests").click()
    waiting = (
        legal.get_by_test_id("access-requests")
        .get_by_test_id("material-request")
        .filter(has_text="对比四号线")
    )
    expect(waiting.get_by_role("button", name="Approve (legal)")).to_be_visible()
    expect(waiting.get_by_role("button", name="Record customer authorization")).to_have_count(0)
    grants = legal.get_by_test_id("access-grants")
    open_grant = grants.get_by_test_id("material-request").filter(has_text=name)
    expect(open_grant).to_contain_text("Victor Viewer asks: 核对客户原始录像")
    expect(open_grant.get_by_test_id("grant-state")).to_contain_text("3 downloads left")
    screenshot(legal, "materials-legal-open-grants")
    revoke = open_grant.get_by_role("button", name=f"Revoke Victor Viewer's access to {name}")
    revoke.focus()
    legal.keyboard.press("Enter")
    expect(legal.get_by_role("status")).to_have_text(
        "Access revoked: Victor Viewer can no longer download the file."
    )
    expect(grants.get_by_test_id("material-request").filter(has_text=name)).to_have_count(0)
    log = api.call(people.legal, "MaterialAccessLog", materialId=material_id)["materialAccessLog"]
    assert [e["actor"]["name"] for e in log if e["action"] == "material.access_revoked"] == ["王律师"]

    # Victor's page still shows the button it read before; the download is refused with the reason.
    victor.get_by_test_id("material-download").click()
    expect(victor.get_by_role("alert")).to_have_text(
        "Your access to this file was revoked, so it cannot be downloaded. Ask again if you still need it."
    )
    expect(victor.get_by_test_id("material-download")).to_have_count(0)
    expect(victor.get_by_test_id("grant-state")).to_have_text("Revoked")
    screenshot(victor, "materials-download-revoked")
    # And his bell says who ended it; the notice leads back to the case's materials.
    victor.get_by_test_id("bell").click()
    notice = victor.locator('[data-testid="notification"][data-kind="ACCESS_REVOKED"]')
    expect(notice).to_contain_text(f"王律师 revoked your access to {name} in Delta plant drawings")
    notice.get_by_test_id("notification-open").click()
    expect(victor.get_by_test_id("grant-state")).to_have_text("Revoked")
    # Decided, so that later tests find legal's list as they left it.
    api.call(
        people.alice,
        "RejectMaterialAccess",
        requestId=pending["requestMaterialAccess"]["id"],
        reason="不需要",
    )


def _stored(server_data: Path) -> set[Path]:
    root = server_data / "materials"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _file(tmp_path: Path, name: str, size: int) -> Path:
    """A file on disk for the file input (a path: the browser reads it itself, as from a user's disk)."""
    path = tmp_path / name
    with path.open("wb") as out:
        for _ in range(size // MIB):
            out.write(os.urandom(MIB))
        out.write(os.urandom(size % MIB))
    return path


# Past the limit by less than a form may add (refused as the file grows), and by more (refused at once by its
# declared length, before the server reads the body).
@pytest.mark.parametrize("over", [MIB, 4 * MIB], ids=["as-it-grows", "declared"])
def test_an_upload_past_the_limit_is_refused_with_the_limit(
    api: Api,
    people: People,
    war_room: Callable[[Person, str], Page],
    server_data: Path,
    tmp_path: Path,
    over: int,
) -> None:
    case_id = api.create_case(people.alice, "Epsilon archive", "Epsilon Ltd", {people.lina: "EDITOR"})
    before = _stored(server_data)
    lina = war_room(people.lina, case_id)
    _materials(lina)
    upload = lina.get_by_test_id("material-upload")
    upload.get_by_label("File").set_input_files(_file(tmp_path, "全部录像.bin", MATERIAL_MAX_BYTES + over))
    upload.get_by_role("button", name="Upload").click()
    expect(lina.get_by_role("alert")).to_have_text(
        "The file is too large: the server accepts at most 16 MB per material."
    )
    expect(lina.get_by_test_id("material-list")).to_contain_text("No materials on this case yet.")
    assert api.call(people.lina, "CaseMaterials", caseId=case_id)["case"]["materials"] == []
    assert _stored(server_data) == before


def test_a_cancelled_upload_leaves_nothing_stored(
    api: Api, people: People, war_room: Callable[[Person, str], Page], server_data: Path, tmp_path: Path
) -> None:
    case_id = api.create_case(people.alice, "Zeta walkthrough", "Zeta Co", {people.lina: "EDITOR"})
    before = _stored(server_data)
    lina = war_room(people.lina, case_id)
    _materials(lina)
    # A slow line, so that the upload is under way when it is cancelled.
    cdp = lina.context.new_cdp_session(lina)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 1 * MIB},
    )
    upload = lina.get_by_test_id("material-upload")
    upload.get_by_label("File").set_input_files(_file(tmp_path, "漫长的录像.bin", 12 * MIB))
    upload.get_by_role("button", name="Upload").click()
    cancel = upload.get_by_test_id("material-upload-cancel")
    expect(cancel).to_be_visible()
    # The server is storing it (a partial object) before the cancel.
    deadline = time.monotonic() + 30
    while not (_stored(server_data) - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _stored(server_data) - before, "nothing reached the server's store before the cancel"
    progress = lina.get_by_test_id("material-progress")
    assert 0 <= int(progress.get_attribute("value") or "0") < 100
    cancel.focus()
    lina.keyboard.press("Enter")
    expect(lina.get_by_test_id("material-progress-text")).to_have_text("Upload cancelled; nothing was kept.")
    expect(progress).to_be_hidden()
    # The server removes the partial object once it sees the client gone.
    deadline = time.monotonic() + 30
    while _stored(server_data) != before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _stored(server_data) == before
    assert api.call(people.lina, "CaseMaterials", caseId=case_id)["case"]["materials"] == []
    expect(lina.get_by_test_id("material-list")).to_contain_text("No materials on this case yet.")

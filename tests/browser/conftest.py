"""Browser-test fixtures: a real Warroom server on a free port, Debian's Chromium, signed-in pages."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.browser.clustered import ClusteredTeam, clustered_team
from tests.browser.pages import Shaped, World, make_shaped, make_world

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "browser-test-pw"
SERVER_START_SECONDS = 60
# The test server's WARROOM_GRAPHQL_WS_RECHECK_SECONDS (30 by default).
RECHECK_SECONDS = 2
# The test server's WARROOM_MATERIAL_MAX_BYTES: small, so a browser can upload past it.
MATERIAL_MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Person:
    """A user the tests create, signed in through the API when a token is needed."""

    email: str
    name: str
    password: str = PASSWORD
    role: str = "member"
    team: str = "Default"


# A Chinese name on purpose: it shows on carets, avatars and member lists.
ALICE = Person("alice.browser@test.warroom", "Alice Chen")
LINA = Person("lina.browser@test.warroom", "李娜")
VICTOR = Person("victor.browser@test.warroom", "Victor Viewer")
# HR of the same (Default) team as the others: HR manages the points of their own team only.
HANNA = Person("hanna.browser@test.warroom", "Hanna HR", role="hr")
# R&D of a team of their own: its clusters page starts empty, whatever the other tests record.
RUTH = Person("ruth.browser@test.warroom", "Ruth R&D", role="rd", team="Browser R&D")
# Legal of the Default team: approves access to raw material (a second person besides the case owner).
LEGAL = Person("wang.legal.browser@test.warroom", "王律师", role="legal")
# Chinese names of two and four characters: avatars show "王芳" and "娜娜" (tests/browser/test_cases.py).
WANG_FANG = Person("wangfang.browser@test.warroom", "王芳")
OUYANG = Person("ouyang.browser@test.warroom", "欧阳娜娜")
# Notified only by tests/browser/test_notifications.py, so its inbox counts hold whatever ran before.
MEI = Person("mei.notifications@test.warroom", "李梅")
# A long name in Chinese and English: the full-width views show it whole (test_heatmaps.py).
LONG_NAME = Person(
    "long.name.browser@test.warroom", "欧阳娜娜 Nana Ouyang-Fitzgerald（客户成功部 Customer Success）"
)
# A team whose Chinese and English pain points are clustered once (clustered.py): requirement proposals.
OLIVIA = Person("olivia.proposals@test.warroom", "Olivia Owner", team="Browser proposals")
CHEN = Person("chen.rd.proposals@test.warroom", "陈晨", role="rd", team="Browser proposals")
# HR of that team, on none of its cases: its clusters page shows the team's run and none of its pain points.
HE = Person("he.hr.proposals@test.warroom", "何静 (HR)", role="hr", team="Browser proposals")
# A team of its own for the visibility policies (test_admin_access.py): its admin, a regional director, an
# owner of cases in its regions.
ACCESS_ADMIN = Person("admin.access@test.warroom", "管理员 Ada", role="admin", team="Browser access")
DIRECTOR = Person("director.access@test.warroom", "区域总监 Dora", team="Browser access")
REGION_OWNER = Person("owner.access@test.warroom", "Owen Owner", team="Browser access")
PEOPLE = (
    ALICE, LINA, VICTOR, HANNA, RUTH, LEGAL, WANG_FANG, OUYANG, MEI, LONG_NAME, OLIVIA, CHEN, HE,
    ACCESS_ADMIN, DIRECTOR, REGION_OWNER,
)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(
        f"the server did not answer /healthz within {SERVER_START_SECONDS} s:\n{log.read_text()[-4000:]}"
    )


@pytest.fixture(scope="session")
def frontend_dist() -> Path:
    """frontend/dist, built first when missing or older than its sources."""
    subprocess.run([str(ROOT / "scripts" / "build-frontend")], check=True, stdout=subprocess.DEVNULL)
    return ROOT / "frontend" / "dist"


@pytest.fixture(scope="session")
def server_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The server's data directory; its database is `server_database_url`."""
    return tmp_path_factory.mktemp("warroom-server")


@pytest.fixture(scope="session")
def server_database_url(server_data: Path) -> str:
    """The server's SQLite database, for tests that must plant what no API makes (ledger history)."""
    return f"sqlite+aiosqlite:///{server_data / 'warroom.db'}"


@pytest.fixture(scope="session")
def server_url(server_data: Path, server_database_url: str, frontend_dist: Path) -> Iterator[str]:
    """A real server (migrated SQLite database, the demo team without its pain points, the test users) on
    a free port; it loads the embedding model in the background as it starts, as `serve` does."""
    data = server_data
    env = {
        **os.environ,
        "WARROOM_DATA_DIR": str(data),
        "WARROOM_DATABASE_URL": server_database_url,
        "WARROOM_FRONTEND_DIR": str(frontend_dist),
        "WARROOM_DEMO": "1",
        "WARROOM_JOBS": "inprocess",
        # the clusters tests re-cluster one team several times in a row
        "WARROOM_RECLUSTER_MIN_INTERVAL_SECONDS": "0",
        # the cases tests search for text just typed
        "WARROOM_SEARCH_TEXT_DELAY_SECONDS": "0.5",
        # the materials tests upload a file past it and see the refusal (test_material_transfers.py)
        "WARROOM_MATERIAL_MAX_BYTES": str(MATERIAL_MAX_BYTES),
        # a subscription a visibility policy gave ends within this once the policy does (test_admin_access.py)
        "WARROOM_GRAPHQL_WS_RECHECK_SECONDS": str(RECHECK_SECONDS),
    }
    env.pop("WARROOM_REDIS_URL", None)

    def cli(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "server", *args], cwd=ROOT, env=env, check=True, capture_output=True
        )

    cli("migrate")
    # The clusters tests record the demo team's pain points themselves.
    cli("demo", "--without-pain-points")
    for person in PEOPLE:
        cli(
            "users",
            "create",
            "--email",
            person.email,
            "--name",
            person.name,
            "--role",
            person.role,
            "--password",
            person.password,
            "--team",
            person.team,
        )

    port = _free_port()
    log = data / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _operation_documents() -> dict[str, str]:
    """Operation name -> the graphql/operations file that defines it (the frontend's own operations)."""
    documents: dict[str, str] = {}
    for path in sorted((ROOT / "graphql" / "operations").glob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"^(?:query|mutation|subscription)\s+(\w+)", text, re.MULTILINE):
            documents[name] = text
    return documents


class Api:
    """Runs the named operations of graphql/operations to arrange test data (the browser is under test)."""

    def __init__(self, base_url: str) -> None:
        # 60 s: the first call that records pain points loads the embedding model in the server. Idle
        # connections are dropped after 2 s, before uvicorn closes them (5 s): a call sent just as the server
        # closed its connection failed with "Connection reset by peer" (tests that wait seconds between calls).
        self._client = httpx.Client(base_url=base_url, timeout=60, limits=httpx.Limits(keepalive_expiry=2))
        self._documents = _operation_documents()
        self._tokens: dict[str, str] = {}

    def call(self, person: Person | None, operation: str, **variables: Any) -> dict[str, Any]:
        return self.call_with_token(self.token(person) if person else None, operation, **variables)

    def call_with_token(self, token: str | None, operation: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = {"query": self._documents[operation], "operationName": operation, "variables": variables}
        payload = self._client.post("/graphql", json=body, headers=headers).json()
        assert not payload.get("errors"), payload["errors"]
        return dict(payload["data"])

    def errors(self, person: Person, operation: str, **variables: Any) -> list[dict[str, Any]]:
        """The errors the operation answers `person` with (none: it succeeded)."""
        headers = {"Authorization": f"Bearer {self.token(person)}"}
        body = {"query": self._documents[operation], "operationName": operation, "variables": variables}
        payload = self._client.post("/graphql", json=body, headers=headers).json()
        return list(payload.get("errors") or [])

    def token(self, person: Person) -> str:
        if person.email not in self._tokens:
            data = self.call(None, "Login", email=person.email, password=person.password)
            self._tokens[person.email] = data["login"]["token"]
        return self._tokens[person.email]

    def user_id(self, person: Person) -> str:
        return str(self.call(person, "Me")["me"]["id"])

    def create_case(self, owner: Person, title: str, customer: str, members: dict[Person, str]) -> str:
        """A new case owned by `owner`, with `members` added in the given roles; returns its id."""
        data = self.call(owner, "CreateCase", input={"title": title, "customer": customer})
        case_id = str(data["createCase"]["id"])
        for person, role in members.items():
            self.call(owner, "AddCaseMember", caseId=case_id, userId=self.user_id(person), role=role)
        return case_id

    def upload_material(self, person: Person, case_id: str, name: str, data: bytes) -> str:
        """A file uploaded to the case as `person` (POST /cases/{id}/materials); returns its id."""
        response = self._client.post(
            f"/cases/{case_id}/materials",
            files={"file": (name, data, "application/octet-stream")},
            headers={"Authorization": f"Bearer {self.token(person)}"},
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def close(self) -> None:
        self._client.close()


@pytest.fixture(scope="session")
def api(server_url: str) -> Iterator[Api]:
    client = Api(server_url)
    yield client
    client.close()


# Package scope, not session: Playwright's sync API keeps an event loop running while it is open, and
# the async tests collected after this package could not start theirs.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run scripts/install-browser")
    instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield instance
    instance.close()


@dataclass(frozen=True)
class People:
    alice: Person
    lina: Person
    victor: Person
    hr: Person = HANNA
    rd: Person = RUTH
    legal: Person = LEGAL
    wang_fang: Person = WANG_FANG
    ouyang: Person = OUYANG
    mei: Person = MEI
    long_name: Person = LONG_NAME


@pytest.fixture(scope="session")
def people() -> People:
    return People(ALICE, LINA, VICTOR)


# Chromium logs each violation to the console ("Refused to ... Content Security Policy ..."); the event adds
# what the console line may leave out (the directive and the blocked resource).
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def _note_csp_violation(text: str, errors: list[str]) -> None:
    if "Content Security Policy" in text:
        errors.append(text)


@pytest.fixture
def new_page(browser: Browser, server_url: str) -> Iterator[Callable[..., Page]]:
    """Opens a page in a fresh browser context (its own storage, so one person per context), in the browser
    language `locale` (en-US unless given).

    A script error thrown in any of the pages, or a Content-Security-Policy violation, fails the test, even
    when what it checks still passed.
    """
    contexts = []
    script_errors: list[str] = []

    def open_page(locale: str = "en-US") -> Page:
        # en-US by default: the tests find elements by their English text (test_i18n.py opens zh-CN too).
        context = browser.new_context(
            base_url=server_url, viewport={"width": 1280, "height": 800}, locale=locale
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        # The server's Content-Security-Policy must let the war room run: every violation fails the test.
        context.add_init_script(_REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        page.on("console", lambda message: _note_csp_violation(message.text, script_errors))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not script_errors, f"script errors in the page: {script_errors}"


def _sign_in(page: Page, person: Person) -> None:
    page.goto("/#/signin")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()


@pytest.fixture
def signed_in(new_page: Callable[[], Page]) -> Callable[[Person], Page]:
    """A page in its own context, signed in as the person through the sign-in form."""

    def open_signed_in(person: Person) -> Page:
        page = new_page()
        _sign_in(page, person)
        return page

    return open_signed_in


@pytest.fixture
def war_room(signed_in: Callable[[Person], Page]) -> Callable[[Person, str], Page]:
    """The person's war room of a case, once its document is live."""

    def open_room(person: Person, case_id: str) -> Page:
        page = signed_in(person)
        page.goto(f"/#/cases/{case_id}")
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online")
        return page

    return open_room


@pytest.fixture(scope="session")
def proposals_team(api: Api) -> ClusteredTeam:
    """Team "Browser proposals": two themes in Chinese and English, clustered by a real run."""
    return clustered_team(api, OLIVIA, CHEN)


@pytest.fixture(scope="session")
def proposals_hr() -> Person:
    """HR of team "Browser proposals", on none of its cases."""
    return HE


@pytest.fixture(scope="session")
def world(api: Api, people: People) -> World:
    """A case of the demo team with comments, versions, pain points and a material; points, a reward and
    approvals: what every page shows (pages.py; the language and accessibility tests)."""
    return make_world(api, people)


@pytest.fixture(scope="session")
def shaped(api: Api, proposals_team: ClusteredTeam) -> Shaped:
    """A cluster R&D renamed and adopted: its correction history and its requirement proposal."""
    return make_shaped(api, proposals_team)


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Page, str], Path]:
    """Saves a full-page screenshot as test-output/<name>.png."""

    def save(page: Page, name: str) -> Path:
        OUTPUT.mkdir(exist_ok=True)
        path = OUTPUT / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save

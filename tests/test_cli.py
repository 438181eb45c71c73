"""`python -m server` as an operator runs it."""

import asyncio
import json
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from server.domain.demo.content import PAIN_POINTS
from server.domain.errors import Unauthenticated
from server.infra import migrate
from tests.support.cli import run_cli
from tests.support.databases import admin
from tests.support.services import pg_url, require_postgres


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["worker"],
        ["migrate"],
        ["users"],
        ["users", "create"],
        ["users", "deactivate"],
        ["users", "reactivate"],
        ["users", "set-role"],
        ["users", "set-password"],
        ["users", "sign-out"],
        ["users", "update"],
        ["demo"],
        ["painpoints"],
        ["painpoints", "recheck-duplicates"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = run_cli([*command, "--help"], {})
    assert result.returncode == 0, result.stderr
    assert "usage: python -m server" in result.stdout


def test_migrate_users_and_demo_on_a_fresh_database(tmp_path: Path) -> None:
    env = {"WARROOM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"}
    assert run_cli(["migrate"], env).returncode == 0
    created = run_cli(
        ["users", "create", "--email", "Ops@Example.com", "--name", "Ops", "--role", "admin"],
        env,
        "pw from stdin\n",
    )
    assert created.returncode == 0, created.stderr
    duplicate = run_cli(
        [
            "users",
            "create",
            "--email",
            "ops@example.com",
            "--name",
            "X",
            "--role",
            "hr",
            "--password",
            "long enough",
        ],
        env,
    )
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr
    weak = run_cli(
        ["users", "create", "--email", "w@example.com", "--name", "W", "--role", "hr", "--password", "short"],
        env,
    )
    assert weak.returncode == 1
    assert "at least 8" in weak.stderr
    for _ in range(2):
        demo = run_cli(["demo", "--without-pain-points"], env)
        assert demo.returncode == 0, demo.stderr
        assert "alice@demo.warroom" in demo.stdout
        assert "warroom-demo" in demo.stdout
    listed = run_cli(["users", "list"], env).stdout
    assert listed.count("@demo.warroom") == 9
    assert "ops@example.com\tOps\tadmin" in listed
    assert run_cli(["audit", "verify"], env).stdout.startswith("Audit chain intact")
    assert run_cli(["migrate", "--check"], env).returncode == 0


def test_users_update_sets_regions_from_the_team_list(tmp_path: Path) -> None:
    env = {"WARROOM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'regions.db'}"}
    assert run_cli(["migrate"], env).returncode == 0
    created = run_cli(
        ["users", "create", "--email", "li@a.com", "--name", "李雷", "--role", "member"], env, "pw 12345678\n"
    )
    assert created.returncode == 0, created.stderr
    with sqlite3.connect(tmp_path / "regions.db") as conn:
        conn.execute("""UPDATE teams SET regions = '["华南", "华东", "EMEA"]'""")
    updated = run_cli(["users", "update", "li@a.com", "--regions", "华南，华东"], env)
    assert updated.returncode == 0, updated.stderr
    assert "华南、华东" in updated.stdout
    unknown = run_cli(["users", "update", "li@a.com", "--regions", "华南,华北"], env)
    assert unknown.returncode == 1
    assert "华北" in unknown.stderr
    with sqlite3.connect(tmp_path / "regions.db") as conn:
        (regions,) = conn.execute("SELECT regions FROM users WHERE email = 'li@a.com'").fetchone()
        events = conn.execute(
            "SELECT actor_id, data FROM audit_events WHERE action = 'user.regions_set'"
        ).fetchall()
    assert json.loads(regions) == ["华南", "华东"]
    assert [(actor, json.loads(data)["after"]) for actor, data in events] == [(None, ["华南", "华东"])]


def test_account_actions_as_an_operator_runs_them(tmp_path: Path) -> None:
    from server.domain import users
    from server.domain.signin import SignIn, SignInRules
    from server.infra.config import Settings
    from server.infra.db import Database, create_engine
    from server.infra.throttle import MemoryThrottle

    env = {"WARROOM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'accounts.db'}"}
    assert run_cli(["migrate"], env).returncode == 0
    for email, name, role in [("boss@a.com", "老板", "admin"), ("mei@a.com", "韩梅梅", "member")]:
        created = run_cli(
            ["users", "create", "--email", email, "--name", name, "--role", role], env, "first password\n"
        )
        assert created.returncode == 0, created.stderr

    async def signed_in(email: str, password: str) -> bool:
        db = Database(create_engine(env["WARROOM_DATABASE_URL"]))
        try:
            signin = SignIn(db, MemoryThrottle(), SignInRules.from_settings(Settings()), timedelta(hours=1))
            token = (await signin(email=email, password=password, address="127.0.0.1")).token
            async with db.sessions() as session:
                return await users.user_for_token(session, token) is not None
        except Unauthenticated:
            return False
        finally:
            await db.dispose()

    def tokens_of(email: str) -> list[tuple[str | None]]:
        with sqlite3.connect(tmp_path / "accounts.db") as conn:
            return conn.execute(
                "SELECT t.revoked_at FROM auth_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = ?",
                (email,),
            ).fetchall()

    assert asyncio.run(signed_in("mei@a.com", "first password"))
    # The new password comes from stdin, never from the command line.
    changed = run_cli(["users", "set-password", "MEI@a.com"], env, "新密码 second password\n")
    assert changed.returncode == 0, changed.stderr
    assert all(revoked is not None for (revoked,) in tokens_of("mei@a.com")), "every session ended"
    assert not asyncio.run(signed_in("mei@a.com", "first password"))
    assert asyncio.run(signed_in("mei@a.com", "新密码 second password"))
    assert run_cli(["users", "set-password", "mei@a.com"], env, "short\n").returncode == 1

    signed_out = run_cli(["users", "sign-out", "mei@a.com"], env)
    assert signed_out.returncode == 0, signed_out.stderr
    assert "1 sessions" in signed_out.stdout
    assert run_cli(["users", "set-role", "mei@a.com", "hr"], env).returncode == 0
    assert "mei@a.com\t韩梅梅\thr" in run_cli(["users", "list"], env).stdout
    demote = run_cli(["users", "set-role", "boss@a.com", "member"], env)
    assert demote.returncode == 1
    assert "last active admin" in demote.stderr
    assert run_cli(["users", "deactivate", "boss@a.com"], env).returncode == 1
    assert run_cli(["users", "deactivate", "mei@a.com"], env).returncode == 0
    assert not asyncio.run(signed_in("mei@a.com", "新密码 second password"))
    assert run_cli(["users", "reactivate", "mei@a.com"], env).returncode == 0
    assert asyncio.run(signed_in("mei@a.com", "新密码 second password"))
    missing = run_cli(["users", "deactivate", "nobody@a.com"], env)
    assert missing.returncode == 1
    assert "No user with email nobody@a.com" in missing.stderr
    with sqlite3.connect(tmp_path / "accounts.db") as conn:
        actions = [
            row[0]
            # the sign-ins above are audited too (user.login, user.login_failed)
            for row in conn.execute(
                "SELECT action FROM audit_events WHERE action NOT LIKE 'user.login%' ORDER BY seq"
            )
        ]
    assert actions[2:] == [
        "user.password_changed",
        "user.signed_out_everywhere",
        "user.role_changed",
        "user.deactivated",
        "user.reactivated",
    ]
    assert run_cli(["audit", "verify"], env).returncode == 0


@pytest.mark.model  # the demo's pain points go through the configured embedding model and are clustered
@pytest.mark.timeout(400)
def test_demo_seeds_pain_points_and_their_clustering_once(tmp_path: Path) -> None:
    env = {"WARROOM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}", "WARROOM_REDIS_URL": ""}
    assert run_cli(["migrate"], env).returncode == 0
    first = run_cli(["demo"], env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert f"Demo pain points: {len(PAIN_POINTS)} submitted now." in first.stdout
    assert f"Clustered {len(PAIN_POINTS)} pain points into " in first.stdout
    again = run_cli(["demo"], env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "Demo pain points: 0 submitted now." in again.stdout
    assert run_cli(["audit", "verify"], env).returncode == 0


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, as an operator's first `migrate` finds it."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
        return
    require_postgres()
    name = f"wr_cli_{uuid.uuid4().hex[:10]}"
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield pg_url(name)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_migrate_says_whether_it_created_upgraded_or_found_the_schema(empty_database_url: str) -> None:
    env = {"WARROOM_DATABASE_URL": empty_database_url}
    head = ScriptDirectory.from_config(migrate.alembic_config(empty_database_url)).get_current_head()
    created = run_cli(["migrate"], env)
    assert created.returncode == 0, created.stderr
    assert created.stdout == f"Database created at revision {head}.\n"
    again = run_cli(["migrate"], env)
    assert again.stdout == f"Database schema is up to date (revision {head}).\n"
    migrate.downgrade(empty_database_url, "-1")
    behind = migrate.current(empty_database_url)
    upgraded = run_cli(["migrate"], env)
    assert upgraded.stdout == f"Database upgraded from revision {behind} to {head}.\n"


def test_bad_configuration_is_reported_not_raised() -> None:
    result = run_cli(["migrate"], {"WARROOM_DATABASE_URL": "mysql://nope"})
    assert result.returncode == 2
    assert "configuration error: WARROOM_DATABASE_URL" in result.stderr


def test_worker_without_redis_explains_itself() -> None:
    result = run_cli(["worker"], {"WARROOM_REDIS_URL": ""})
    assert result.returncode == 2
    assert "needs WARROOM_REDIS_URL" in result.stderr


def test_audit_verify_also_walks_the_points_ledger(tmp_path: Path) -> None:
    import asyncio
    import sqlite3

    from server.domain.points import awards, ledger, voids
    from server.infra.db import Database, create_engine
    from server.models import PointAction
    from tests.support.people import make_person

    path = tmp_path / "points.db"
    env = {"WARROOM_DATABASE_URL": f"sqlite+aiosqlite:///{path}"}
    assert run_cli(["migrate"], env).returncode == 0

    async def earn() -> None:
        db = Database(create_engine(env["WARROOM_DATABASE_URL"]))
        try:
            ana = await make_person(db, "ana@a.com")
            async with db.transaction() as session:
                await awards.award(session, awards.pain_point_accepted("p1", ana.id))
                await awards.award(session, awards.snapshot_named("s1", ana.id))
            # Spent, then taken back: a debt (a negative running balance) is part of an intact chain.
            async with db.transaction() as session:
                account = await ledger.lock_account(session, ana.id)
                await ledger.append(
                    session, account, delta=-6, action=PointAction.REDEMPTION, subject="redemption:r", key="r"
                )
                await voids.void(
                    session, user_id=ana.id, subject=awards.pain_point_subject("p1"), reason="抄袭"
                )
                assert await ledger.balance_of(session, ana.id) == -5
        finally:
            await db.dispose()

    asyncio.run(earn())
    intact = run_cli(["audit", "verify"], env)
    assert intact.returncode == 0, intact.stderr
    assert "Points ledger intact: 4 entries in 1 accounts" in intact.stdout
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE point_entries SET delta = 50 WHERE delta = 5")
    broken = run_cli(["audit", "verify"], env)
    assert broken.returncode == 1
    assert "Points ledger BROKEN at entry" in broken.stderr


@pytest.mark.model
def test_painpoints_recheck_duplicates_restores_the_distinct_ones_once(tmp_path: Path) -> None:
    import asyncio

    from server.clustering.models import MINILM
    from server.domain.cases import actions as cases
    from server.domain.job_registry import REGISTRY
    from server.domain.painpoints import submit as painpoint_submit
    from server.domain.painpoints.actions import SubmissionInput
    from server.domain.painpoints.config import PainPointConfig
    from server.infra.config import Settings
    from server.infra.db import Database, create_engine
    from server.infra.job_queues import InProcessJobs
    from server.infra.outbox import delivering
    from server.models import User
    from tests.support.people import make_person

    url = f"sqlite+aiosqlite:///{tmp_path / 'recheck.db'}"
    assert run_cli(["migrate"], {"WARROOM_DATABASE_URL": url}).returncode == 0
    # Chinese and English: original, distinct text, rewording of the original (MiniLM .76/.89, .71/.92),
    # submitted at a threshold that takes the distinct ones for copies too.
    texts = [
        "退款一直没到账，客户已经等了两周",
        "仓库发货太慢，订单延迟一周以上",
        "退款一直没有到账，客户已经等了两周了",
        "The invoice arrived two weeks after the delivery",
        "Delivery arrived two weeks late",
    ]

    async def submit() -> str:
        db = Database(create_engine(url))
        try:
            person = await make_person(db, "ana@a.com")
            async with db.transaction() as session:
                user = await session.get(User, person.id)
                assert user is not None
                case = await cases.create_case(session, user, title="华东客户", customer="Contoso")
            queue = InProcessJobs(REGISTRY, db, Settings.from_env({"WARROOM_DATABASE_URL": url}))
            async with delivering(db, queue):
                results = await painpoint_submit.submit(
                    db, user, [SubmissionInput(case.id, t) for t in texts],
                    PainPointConfig(model=MINILM, duplicate_threshold=0.52),
                )  # fmt: skip
            assert [r.pain_point.status.value for r in results if r.pain_point] == [
                "submitted", "duplicate", "duplicate", "submitted", "duplicate"
            ]  # fmt: skip
            assert case.team_id is not None
            return case.team_id
        finally:
            await db.dispose()

    team_id = asyncio.run(submit())
    env = {
        "WARROOM_DATABASE_URL": url,
        "WARROOM_EMBEDDING_MODEL": MINILM,
        "WARROOM_DUPLICATE_THRESHOLD": "0.85",
    }
    first = run_cli(["painpoints", "recheck-duplicates", "--team", team_id], env)
    assert first.returncode == 0, first.stderr
    assert f"team {team_id}: case 1/1" in first.stdout
    assert first.stdout.splitlines()[-1] == "checked 3, restored 2"
    again = run_cli(["painpoints", "recheck-duplicates"], env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "checked 1, restored 0"
    verified = run_cli(["audit", "verify"], env)
    assert "Points ledger intact: 4 entries in 1 accounts" in verified.stdout

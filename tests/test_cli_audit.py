"""`python -m server audit verify|checkpoint|public-key` as an operator and an auditor run them, with a key
made by openssl, and the exported checkpoint checked by openssl."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
from pathlib import Path

import pytest

from server.domain import audit
from server.infra.db import Database, create_engine
from tests.support.cli import run_cli


def _openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=False
    )


async def _append(url: str, n: int, start: int = 0) -> None:
    """Commands committed by a process that runs no sequencer: the CLI links them."""
    db = Database(create_engine(url))
    try:
        for i in range(start, start + n):
            async with db.transaction() as session:
                await audit.record(
                    session,
                    actor_id=None,
                    action="user.login",
                    subject=f"s{i}",
                    data={"email": f"李{i}@a.com"},
                )
    finally:
        await db.dispose()


async def _sql(url: str, *statements: str) -> None:
    from sqlalchemy import text

    db = Database(create_engine(url))
    try:
        async with db.transaction() as session:
            for statement in statements:
                await session.execute(text(statement))
    finally:
        await db.dispose()


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    made = _openssl("genpkey", "-algorithm", "ed25519", "-out", "signing.pem", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    (tmp_path / "signing.pem").chmod(0o600)
    return {
        "WARROOM_DATABASE_URL": database_url,
        "WARROOM_DATA_DIR": str(tmp_path / "data"),
        "WARROOM_AUDIT_SIGNING_KEY": str(tmp_path / "signing.pem"),
        "WARROOM_AUDIT_CHECKPOINT_EVENTS": "5",
    }


def test_an_auditor_exports_a_checkpoint_and_later_finds_the_chain_cut_short(
    env: dict[str, str], tmp_path: Path
) -> None:
    url = env["WARROOM_DATABASE_URL"]
    empty = run_cli(["audit", "checkpoint"], env)
    assert (empty.returncode, empty.stderr.strip()) == (
        1,
        "error: The audit log is empty: there is nothing to sign yet.",
    )

    asyncio.run(_append(url, 12))
    intact = run_cli(["audit", "verify"], env)
    assert intact.returncode == 0, intact.stderr
    first, ledger = intact.stdout.splitlines()
    assert first.startswith(
        "Audit chain intact: 12 events, 2 checkpoints, last signed checkpoint at position 10"
    )
    assert ledger.startswith("Points ledger intact")

    exported = run_cli(["audit", "checkpoint", "--export", str(tmp_path / "cp.json")], env)
    assert exported.returncode == 0, exported.stderr
    document = json.loads((tmp_path / "cp.json").read_text())
    assert (document["position"], document["previous"], document["every"]) == (12, 10, 5)
    keyed = run_cli(["audit", "public-key", "--export", str(tmp_path / "audit.pub")], env)
    assert keyed.returncode == 0, keyed.stderr
    assert document["fingerprint"] in keyed.stdout

    # anyone checks the signature with openssl: the public key is the one openssl derives from the key file
    derived = _openssl("pkey", "-in", "signing.pem", "-pubout", cwd=tmp_path)
    assert derived.stdout == (tmp_path / "audit.pub").read_text() == document["publicKey"]
    (tmp_path / "signed.txt").write_text(document["signed"])
    (tmp_path / "signature.bin").write_bytes(base64.b64decode(document["signature"]))
    checked = _openssl(
        "pkeyutl", "-verify", "-pubin", "-inkey", "audit.pub", "-rawin", "-in", "signed.txt",
        "-sigfile", "signature.bin", cwd=tmp_path,
    )  # fmt: skip
    assert checked.stdout.strip() == "Signature Verified Successfully", checked.stderr
    (tmp_path / "signed.txt").write_text(document["signed"].replace('"position":12', '"position":11'))
    forged = _openssl(
        "pkeyutl", "-verify", "-pubin", "-inkey", "audit.pub", "-rawin", "-in", "signed.txt",
        "-sigfile", "signature.bin", cwd=tmp_path,
    )  # fmt: skip
    assert forged.returncode != 0

    auditor = [
        "audit",
        "verify",
        "--checkpoint",
        str(tmp_path / "cp.json"),
        "--public-key",
        str(tmp_path / "audit.pub"),
    ]
    held = run_cli(auditor, env)
    assert held.returncode == 0, held.stderr
    assert "(position 12) matches the chain" in held.stdout

    # the last two events and every checkpoint after position 10 go: only the export still knows
    asyncio.run(
        _sql(
            url,
            "DELETE FROM audit_events WHERE position > 10",
            "DELETE FROM audit_checkpoints WHERE position > 10",
        )
    )
    cut = run_cli(auditor, env)
    assert cut.returncode == 1
    assert cut.stderr.strip() == (
        "Audit chain BROKEN at position 11: the chain was cut short: it ends at position 10, "
        "but a checkpoint was signed at position 12."
    )
    assert cut.stdout.startswith("Points ledger intact")  # the ledger is still checked


def test_an_edited_event_and_an_untrusted_key_fail_the_command(env: dict[str, str], tmp_path: Path) -> None:
    url = env["WARROOM_DATABASE_URL"]
    asyncio.run(_append(url, 7))
    assert run_cli(["audit", "verify"], env).returncode == 0
    stranger = audit.SigningKey.generate()
    (tmp_path / "stranger.pub").write_text(stranger.public.pem())
    untrusted = run_cli(["audit", "verify", "--public-key", str(tmp_path / "stranger.pub")], env)
    assert untrusted.returncode == 1
    assert "Audit chain BROKEN at position 5: the stored checkpoint is signed by key" in untrusted.stderr
    asyncio.run(_sql(url, "UPDATE audit_events SET subject = 'nobody' WHERE position = 3"))
    edited = run_cli(["audit", "verify"], env)
    assert edited.returncode == 1
    assert (
        edited.stderr.strip()
        == "Audit chain BROKEN at position 3: the event was altered after it was written."
    )


def test_a_bad_key_setting_is_a_configuration_error(tmp_path: Path) -> None:
    env = {
        "WARROOM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'k.db'}",
        "WARROOM_AUDIT_SIGNING_KEY": str(tmp_path / "missing.pem"),
    }
    assert run_cli(["migrate"], env).returncode == 0
    result = run_cli(["audit", "verify"], env)
    assert result.returncode == 2
    assert f"cannot read the audit signing key {tmp_path / 'missing.pem'}" in result.stderr
    assert not os.path.exists(tmp_path / "missing.pem")

"""`python -m server audit verify|checkpoint|public-key`: check the audit chain (and the points ledger),
sign and export its head for someone outside the database, print the key that signs checkpoints."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from server.infra.config import ConfigError, Settings

if TYPE_CHECKING:
    from server.domain.audit import AuditReport, Checkpoint, Exported, PublicKey, SigningKey
    from server.domain.points.ledger import LedgerReport


def _trusted(args: argparse.Namespace, settings: Settings, exported: list[Exported]) -> list[PublicKey]:
    """The keys checkpoints must be signed with: those given (an auditor's own copies), else the
    deployment's, else (nothing else being known) the ones the exported files name."""
    from server.domain import audit

    given = [audit.PublicKey.parse(_read(path)) for path in args.public_key]
    if given:
        return given
    key = audit.load_signing_key(settings, create=False)
    if key is not None:
        return [key.public]
    return [item.key for item in exported if item.key is not None]


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None


async def _verify(
    settings: Settings, exported: list[Exported], trusted: list[PublicKey]
) -> tuple[AuditReport, LedgerReport, bool]:
    from server.domain import audit
    from server.domain.points import ledger
    from server.infra.db import Database

    policy = audit.Policy.from_settings(settings)
    # Only a holder of the signing key links (and signs what is due): linking without signing would leave
    # stretches without checkpoints, which is what deleted checkpoints look like.
    key = audit.load_signing_key(settings, create=False)
    db = Database.from_settings(settings)
    try:
        if key is not None:
            await audit.link(db, key, policy)
        async with db.sessions() as session:
            report = await audit.verify(
                session, trusted=trusted, every=policy.every, exported=[item.checkpoint for item in exported]
            )
            points = await ledger.verify(session)
    finally:
        await db.dispose()
    return report, points, key is not None


def _verify_command(settings: Settings, args: argparse.Namespace) -> int:
    from server.domain import audit

    exported = [audit.read_exported(_read(path).decode(), path) for path in args.checkpoint]
    report, points, linked = asyncio.run(_verify(settings, exported, _trusted(args, settings, exported)))
    failed = 0
    if report.ok:
        print(report.summary())
        for item in exported:
            print(
                f"Exported checkpoint {item.source} (position {item.checkpoint.position}) matches the chain."
            )
        if report.unlinked and not linked:
            print(f"{report.unlinked} events wait for a server to link them (no signing key here).")
    else:
        print(report.summary(), file=sys.stderr)
        failed = 1
    if points.ok:
        print(
            f"Points ledger intact: {points.entries} entries in {points.accounts} accounts, balances add up."
        )
    else:
        where = f" at entry {points.first_bad_entry}" if points.first_bad_entry is not None else ""
        print(f"Points ledger BROKEN{where}: {points.reason}.", file=sys.stderr)
        failed = 1
    return failed


async def _sign_head(settings: Settings, key: SigningKey) -> Checkpoint:
    from server.domain import audit
    from server.infra.db import Database

    db = Database.from_settings(settings)
    try:
        return await audit.sign_head(db, key, audit.Policy.from_settings(settings))
    finally:
        await db.dispose()


def _checkpoint(settings: Settings, args: argparse.Namespace) -> int:
    from server.domain import audit
    from server.domain.errors import DomainError

    key = audit.load_signing_key(settings, create=True)
    assert key is not None
    try:
        checkpoint = asyncio.run(_sign_head(settings, key))
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    document = json.dumps(checkpoint.export(key.public), indent=2, ensure_ascii=False) + "\n"
    if args.export:
        Path(args.export).write_text(document, encoding="utf-8")
        print(
            f"Checkpoint at position {checkpoint.position} ({checkpoint.at.isoformat()}) written to "
            f"{args.export}; key fingerprint {key.public.fingerprint}."
        )
    else:
        sys.stdout.write(document)
    return 0


def _public_key(settings: Settings, args: argparse.Namespace) -> int:
    from server.domain import audit

    key = audit.load_signing_key(settings, create=True)
    assert key is not None
    pem = key.public.pem()
    if args.export:
        Path(args.export).write_text(pem, encoding="utf-8")
        print(
            f"Public key {key.public.key_id} written to {args.export}; fingerprint {key.public.fingerprint}."
        )
    else:
        sys.stdout.write(pem)
        print(f"fingerprint {key.public.fingerprint}", file=sys.stderr)
    return 0


def _run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        if args.audit_command == "verify":
            return _verify_command(settings, args)
        if args.audit_command == "checkpoint":
            return _checkpoint(settings, args)
        return _public_key(settings, args)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `audit` command and its actions."""
    audit = commands.add_parser(
        "audit", help="verify the audit trail and points ledger; sign and export checkpoints"
    )
    actions = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = actions.add_parser(
        "verify",
        help="check the audit chain, its signed checkpoints and the points ledger; non-zero when broken",
    )
    verify.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="FILE",
        help="an exported checkpoint: the chain must still hold it (repeatable)",
    )
    verify.add_argument(
        "--public-key",
        action="append",
        default=[],
        metavar="FILE",
        help="trust only this public key (PEM) for signatures (repeatable; default: the deployment's key)",
    )
    checkpoint = actions.add_parser("checkpoint", help="sign the chain's head now and print it as JSON")
    checkpoint.add_argument("--export", metavar="FILE", help="write the JSON to FILE instead of stdout")
    public_key = actions.add_parser("public-key", help="print the public key that checks the checkpoints")
    public_key.add_argument("--export", metavar="FILE", help="write the PEM to FILE instead of stdout")
    audit.set_defaults(run=_run)

"""`python -m server keys create|rotate|list`: the materials' key-encryption keys (infra/keyring.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from server.infra.config import ConfigError, Settings

# How long a rotation waits after installing the new key before it counts what still names the old one:
# an upload that wrapped its data key under the old key just before commits within it.
DEFAULT_GRACE_SECONDS = 3.0


def _create(settings: Settings, args: argparse.Namespace) -> int:
    from server.infra.keyring import configured_path, create_key, default_path

    path = Path(args.file) if args.file else (configured_path(settings) or default_path(settings))
    if path.exists():
        print(f"error: {path} exists; a key file is never overwritten", file=sys.stderr)
        return 1
    kek = create_key(path)
    print(f"Created key {kek.id} in {path} (mode 0600).")
    print("Keep a copy somewhere safe: the materials cannot be read without it.")
    if configured_path(settings) != path and args.file:
        print(f"Point the servers at it: WARROOM_KEK_FILE={path}")
    return 0


async def _rotate(settings: Settings, args: argparse.Namespace) -> int:
    from server.domain.materials import rotation
    from server.domain.webhooks import secrets
    from server.infra.db import Database
    from server.infra.keyring import Keyring, new_key, read_key

    keyring = Keyring.from_settings(settings)
    if not args.resume:
        new = read_key(Path(args.key)) if args.key else new_key()
        if new.id == keyring.current().id:
            print("error: that key is the current key already", file=sys.stderr)
            return 1
        old = keyring.install(new)
        print(f"New current key {new.id} in {keyring.current_path}.")
        kept = keyring.archive_path(old.id)
        print(f"The old key {old.id} stays in {kept} while materials name it.", flush=True)
        await asyncio.sleep(args.grace)

    async def progress(rewrapped: int, batches: int) -> None:
        print(f"batch {batches}: {rewrapped} data keys re-wrapped", flush=True)

    db = Database.from_settings(settings)
    try:
        resealed = await secrets.reseal_all(db, keyring)
        report = await rotation.rewrap(
            db, keyring, batch=args.batch, progress=progress, named_elsewhere=secrets.usage
        )
    finally:
        await db.dispose()
    print(f"Sealed {resealed} webhook secrets again under key {keyring.current().id}.")
    print(f"Re-wrapped {report.rewrapped} data keys in {report.batches} batches under key {report.kek_id}.")
    for kek_id in report.removed:
        print(f"Removed key {kek_id}: no material names it any more.")
    for kek_id, count in sorted(report.kept.items()):
        print(f"Kept key {kek_id}: {count} materials or webhooks still name it (run `keys rotate --resume`).")
    for kek_id, count in sorted(report.unreadable.items()):
        print(
            f"{count} materials name key {kek_id}, which is not in {keyring.directory}: "
            f"copy kek-{kek_id} there and run `keys rotate --resume`.",
            file=sys.stderr,
        )
    return 1 if report.unreadable else 0


async def _list(settings: Settings) -> int:
    from server.domain.materials import rotation
    from server.infra.db import Database
    from server.infra.keyring import Keyring

    keyring = Keyring.from_settings(settings)
    db = Database.from_settings(settings)
    try:
        usage = await rotation.usage(db)
    finally:
        await db.dispose()
    current = keyring.current()
    print(f"{current.id}\tcurrent\t{usage.pop(current.id, 0)} materials\t{keyring.current_path}")
    for kek_id in sorted(keyring.archived()):
        if kek_id != current.id:
            print(f"{kek_id}\told\t{usage.pop(kek_id, 0)} materials\t{keyring.archive_path(kek_id)}")
    for kek_id, count in sorted(usage.items()):
        print(f"{kek_id}\tMISSING\t{count} materials\t-")
    return 1 if usage else 0


def _keys(settings: Settings, args: argparse.Namespace) -> int:
    try:
        if args.keys_command == "create":
            return _create(settings, args)
        if args.keys_command == "rotate":
            return asyncio.run(_rotate(settings, args))
        return asyncio.run(_list(settings))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `python -m server keys …`."""
    keys = commands.add_parser("keys", help="the key-encryption keys of materials: create, rotate, list")
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="write a new random 32-byte key file (mode 0600)")
    create.add_argument("--file", help="where (default: WARROOM_KEK_FILE, else <WARROOM_DATA_DIR>/keys/kek)")
    rotate = actions.add_parser(
        "rotate", help="make a new current key, re-wrap every data key under it (payloads are not touched)"
    )
    rotate.add_argument("--key", help="install this key file as the new key instead of a random one")
    rotate.add_argument(
        "--resume", action="store_true", help="no new key: finish re-wrapping under the current one"
    )
    rotate.add_argument("--batch", type=int, default=500, help="rows per transaction (default 500)")
    rotate.add_argument(
        "--grace",
        type=float,
        default=DEFAULT_GRACE_SECONDS,
        help="seconds to wait after installing the new key, for uploads wrapping under the old one",
    )
    actions.add_parser("list", help="the keys and how many materials each wraps")
    keys.set_defaults(run=_keys)

"""`python -m server users deactivate|reactivate|set-role|set-password|sign-out|update EMAIL`: an operator's
account actions, the same domain actions as the admin's GraphQL mutations, audited with no actor.

Open connections of the account close within WARROOM_SESSION_CHECK_SECONDS (the revocation's event is
delivered by a server's outbox dispatcher too)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from server.infra.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

ROLES = ["member", "rd", "hr", "legal", "admin"]

Action = Callable[["AsyncSession", argparse.Namespace], Awaitable[str]]


async def _in_transaction(settings: Settings, action: Action, args: argparse.Namespace) -> str:
    from server.infra.db import Database

    db = Database.from_settings(settings)
    try:
        async with db.transaction() as session:
            return await action(session, args)
    finally:
        await db.dispose()


def _command(action: Action) -> Callable[[Settings, argparse.Namespace], int]:
    def run(settings: Settings, args: argparse.Namespace) -> int:
        from server.domain.errors import DomainError

        try:
            print(asyncio.run(_in_transaction(settings, action, args)))
        except DomainError as exc:
            print(f"error: {exc.message}", file=sys.stderr)
            return 1
        return 0

    return run


async def _deactivate(session: AsyncSession, args: argparse.Namespace) -> str:
    from server.domain.accounts import _people, activation

    user = await activation.deactivate(session, await _people.by_email(session, args.email), actor_id=None)
    return f"{user.email} is deactivated; every session of theirs ended."


async def _reactivate(session: AsyncSession, args: argparse.Namespace) -> str:
    from server.domain.accounts import _people, activation

    user = await activation.reactivate(session, await _people.by_email(session, args.email), actor_id=None)
    return f"{user.email} can sign in again."


async def _set_role(session: AsyncSession, args: argparse.Namespace) -> str:
    from server.domain.accounts import _people, roles
    from server.models import UserRole

    target = await _people.by_email(session, args.email)
    user = await roles.set_role(session, target, UserRole(args.role), actor_id=None)
    return f"{user.email} is now {user.role.value}."


async def _set_password(session: AsyncSession, args: argparse.Namespace) -> str:
    from server.domain.accounts import passwords

    user = await passwords.set_password(session, args.email, args.new_password)
    return f"The password of {user.email} is set; every session of theirs ended."


async def _sign_out(session: AsyncSession, args: argparse.Namespace) -> str:
    from server.domain.accounts import _people, sessions

    user = await _people.by_email(session, args.email)
    ended = await sessions.sign_out_everywhere(session, user, actor_id=None)
    return f"{ended} sessions of {user.email} ended."


async def _update(session: AsyncSession, args: argparse.Namespace) -> str:
    from server.domain.access import regions
    from server.domain.accounts import _people

    target = await _people.by_email(session, args.email)
    if args.regions is not None:
        names = [name for name in args.regions.replace("，", ",").split(",") if name.strip()]
        target = await regions.set_regions(session, target, names, actor_id=None)
    shown = "、".join(target.regions) if target.regions else "none"
    return f"{target.email} works in regions: {shown}."


def _read_password() -> str:
    """The new password from a prompt (asked twice) or one line of stdin; never from the command line,
    where other users of the machine and the shell history would see it."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("error: the two passwords differ")
    return first


def _set_password_command(settings: Settings, args: argparse.Namespace) -> int:
    args.new_password = _read_password()
    return _command(_set_password)(settings, args)


def add_commands(user_commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the account actions under `python -m server users`."""
    deactivate = user_commands.add_parser(
        "deactivate", help="deactivate an account: it cannot sign in, its sessions end"
    )
    deactivate.add_argument("email")
    deactivate.set_defaults(run=_command(_deactivate))

    reactivate = user_commands.add_parser("reactivate", help="let a deactivated account sign in again")
    reactivate.add_argument("email")
    reactivate.set_defaults(run=_command(_reactivate))

    set_role = user_commands.add_parser("set-role", help="give an account a role (audited)")
    set_role.add_argument("email")
    set_role.add_argument("role", choices=ROLES)
    set_role.set_defaults(run=_command(_set_role))

    set_password = user_commands.add_parser(
        "set-password", help="set an account's password (prompted, or one line of stdin); its sessions end"
    )
    set_password.add_argument("email")
    set_password.set_defaults(run=_set_password_command)

    sign_out = user_commands.add_parser("sign-out", help="end every session of an account")
    sign_out.add_argument("email")
    sign_out.set_defaults(run=_command(_sign_out))

    update = user_commands.add_parser("update", help="change an account's regions (audited)")
    update.add_argument("email")
    update.add_argument(
        "--regions",
        help="comma-separated team regions the person works in, e.g. 华南,华东 ('' for none)",
    )
    update.set_defaults(run=_command(_update))

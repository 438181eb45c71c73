"""Key rotation: every material's data key re-wrapped under the current key-encryption key, in batches.

Payloads are never touched: only the 61-byte wrapped key and the key id of each row change. Each batch is
one transaction, and a run picks up whatever still names another key, so an interrupted rotation is
finished by running again (`keys rotate --resume`). An older key file is deleted once no row names it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from server.domain import audit
from server.infra import envelope
from server.infra.db import Database
from server.infra.keyring import Keyring, UnknownKeyError
from server.models import Material

DEFAULT_BATCH = 500

Progress = Callable[[int, int], Awaitable[None]]
# Other rows sealed under a key (webhook secrets): how many name each key id, so their key is not deleted.
Usage = Callable[[Database], Awaitable[dict[str, int]]]


@dataclass
class RotationReport:
    kek_id: str
    rewrapped: int = 0
    batches: int = 0
    # materials whose key is in no key file here: they stay as they are (and readable wherever it is)
    unreadable: dict[str, int] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    kept: dict[str, int] = field(default_factory=dict)


async def rewrap(
    db: Database,
    keyring: Keyring,
    *,
    batch: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    named_elsewhere: Usage | None = None,
) -> RotationReport:
    """Re-wrap every data key not under the current key, then delete the key files no row names."""
    target = keyring.current()
    report = RotationReport(target.id)
    after = ""
    while True:
        async with db.transaction() as session:
            rows = (
                await session.execute(
                    select(Material.id, Material.kek_id, Material.wrapped_key)
                    .where(Material.kek_id != target.id, Material.id > after)
                    .order_by(Material.id)
                    .limit(batch)
                )
            ).all()
            if not rows:
                break
            done = 0
            for material_id, kek_id, wrapped in rows:
                try:
                    data_key = envelope.unwrap(keyring.key(kek_id), wrapped, material_id)
                except UnknownKeyError:
                    report.unreadable[kek_id] = report.unreadable.get(kek_id, 0) + 1
                    continue
                # Conditional: a row re-wrapped meanwhile by another run is left as that run wrote it.
                result = await session.execute(
                    update(Material)
                    .where(Material.id == material_id, Material.kek_id == kek_id)
                    .values(wrapped_key=envelope.wrap(target.key, data_key, material_id), kek_id=target.id)
                )
                done += result.rowcount  # type: ignore[attr-defined]
            after = rows[-1][0]
        report.rewrapped += done
        report.batches += 1
        if progress is not None:
            await progress(report.rewrapped, report.batches)
    await _prune(db, keyring, report, await named_elsewhere(db) if named_elsewhere else {})
    async with db.transaction() as session:
        await audit.record(
            session,
            actor_id=None,
            action="materials.keys_rotated",
            subject=target.id,
            data={
                "rewrapped": report.rewrapped,
                "removed": report.removed,
                "kept": report.kept,
                "unreadable": report.unreadable,
            },
        )
    return report


async def _prune(db: Database, keyring: Keyring, report: RotationReport, elsewhere: dict[str, int]) -> None:
    current = keyring.current().id
    for kek_id in sorted(keyring.archived()):
        if kek_id == current:
            continue
        async with db.sessions() as session:
            query = select(func.count()).select_from(Material).where(Material.kek_id == kek_id)
            naming = (await session.execute(query)).scalar_one() + elsewhere.get(kek_id, 0)
        if naming:
            report.kept[kek_id] = int(naming)
        elif keyring.remove(kek_id):
            report.removed.append(kek_id)


async def usage(db: Database) -> dict[str, int]:
    """How many materials each key id wraps."""
    async with db.sessions() as session:
        rows = await session.execute(select(Material.kek_id, func.count()).group_by(Material.kek_id))
        return {str(kek_id): int(count) for kek_id, count in rows.all()}

"""The case list: the cases a person belongs to, searched and filtered, with a preview and the last edit.

Search matches every word of the query (split on spaces) as a substring of the title, the customer or the
document's plain text (server.domain.documents.texts), ignoring case: "故障" finds "手术室紧急故障处置",
which a word tokenizer would not. On a case whose customer a visibility policy shows masked, neither the
customer nor its name inside the title and the text is searched (docs/access.md). The query walks the
cases the person may open (their memberships, and
those a visibility policy opens to them read-only: server.domain.access) newest first and stops once a page
is full, so nobody ever finds a case they may not open, a common word answers at once, and a rare one reads
at most those cases' texts (docs/benchmarks.md, "Case search", has the measurements and
why a trigram index did not pay).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, not_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from server.domain.access import cases as access_cases
from server.domain.access import effective
from server.domain.access.effective import Access
from server.domain.access.masking import mask_customer_in
from server.domain.cases.actions import MAX_TITLE
from server.domain.errors import BadInput
from server.domain.pagination import Page, paginate_rows
from server.domain.users import Person
from server.models import Case, CaseMember, CaseRole, DocText, DocUpdate, User

MAX_QUERY = 200
MAX_WORDS = 10
PREVIEW_LINES = 3
PREVIEW_CHARS = 240
# Enough of the stored text to find the first lines without reading a long document.
_PREVIEW_READ = 4 * PREVIEW_CHARS


@dataclass(frozen=True)
class CaseFilters:
    """What the case list shows. `archived`: False (open cases, the default), True (archived only), None
    (both)."""

    query: str | None = None
    customer: str | None = None
    role: CaseRole | None = None
    archived: bool | None = False

    @property
    def words(self) -> list[str]:
        return (self.query or "").split()


def filters(
    *,
    query: str | None = None,
    customer: str | None = None,
    role: CaseRole | None = None,
    archived: bool | None = False,
) -> CaseFilters:
    """Checked filters; BAD_INPUT for a query or customer no case could match."""
    query = " ".join((query or "").split()) or None
    if query is not None and len(query) > MAX_QUERY:
        raise BadInput(f"A search has at most {MAX_QUERY} characters.")
    if query is not None and len(query.split()) > MAX_WORDS:
        raise BadInput(f"A search has at most {MAX_WORDS} words.")
    customer = " ".join((customer or "").split()) or None
    if customer is not None and len(customer) > MAX_TITLE:
        raise BadInput(f"A customer name has at most {MAX_TITLE} characters.")
    return CaseFilters(query=query, customer=customer, role=role, archived=archived)


@dataclass(frozen=True)
class ListedCase:
    """A case as the list shows it, for one person: their role (VIEWER where a policy, not a membership,
    opens it)."""

    case: Case
    role: CaseRole
    preview: str
    last_edited_at: datetime | None
    last_editor: Person | None
    masked: bool = False
    """The customer is shown masked: a policy that masks it opens the case, no membership does (its name
    is then masked in the preview here, and in the title by whoever shows the case)."""


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _holds(column: Any, word: str, dialect: str) -> Any:
    """Whether `column` holds `word`, ignoring case.

    A word without cased letters (Chinese, digits) reads the same in any case: a plain substring search then,
    measured ten times faster than ILIKE on PostgreSQL, which folds the case of the whole text first.
    """
    if word.lower() != word.upper():
        return column.ilike(_like(word), escape="\\")
    position = func.strpos if dialect == "postgresql" else func.instr
    return position(column, word) > 0


def _without_customer(column: Any) -> Any:
    """`column` lowercased with the case's customer name (lowercased) cut out: what a search may match in
    a case whose customer is shown masked (the name is masked in its title and preview too)."""
    return func.replace(func.lower(column), func.lower(Case.customer), " ")


def _matching(word: str, dialect: str, customer_shown: Any, masks: bool) -> Any:
    """Whether the listed case's title, customer (where it is shown unmasked) or text holds `word`; where
    the customer is masked, its name inside the title and the text is not searched either."""
    in_text = select(DocText.case_id).where(DocText.case_id == Case.id, _holds(DocText.text, word, dialect))
    in_customer = and_(customer_shown, _holds(Case.customer, word, dialect))
    clear = or_(_holds(Case.title, word, dialect), in_customer, in_text.exists())
    if not masks:
        return clear
    lowered = word.lower()
    in_masked_text = select(DocText.case_id).where(
        DocText.case_id == Case.id, _holds(_without_customer(DocText.text), lowered, dialect)
    )
    masked = or_(_holds(_without_customer(Case.title), lowered, dialect), in_masked_text.exists())
    return or_(and_(customer_shown, clear), and_(not_(customer_shown), masked))


def _customer_shown(access: Access) -> Any:
    """A condition true where the person sees the case's customer as written (a membership, or a policy
    that opens the case without masking it); a masked customer is neither searched nor filtered on."""
    if not access.masks_any:
        return true()
    return or_(CaseMember.user_id.is_not(None), access_cases.opened_in_clear(access))


def _visible(user_id: str, access: Access) -> tuple[Any, Any]:
    """The join to the person's membership and the condition on `Case` for the cases they may open."""
    member = and_(CaseMember.case_id == Case.id, CaseMember.user_id == user_id)
    opened = access_cases.opened_cases(access)
    if not (access.viewer_everywhere or access.viewer_regions):
        return member, CaseMember.user_id.is_not(None)  # memberships alone: the plain join, as fast
    return member, or_(CaseMember.user_id.is_not(None), opened)


def _page_query(user_id: str, access: Access, wanted: CaseFilters, dialect: str) -> Select[Any]:
    member, visible = _visible(user_id, access)
    query = select(Case).outerjoin(CaseMember, member).where(visible)
    if wanted.role is CaseRole.VIEWER:
        query = query.where(or_(CaseMember.role == CaseRole.VIEWER, CaseMember.user_id.is_(None)))
    elif wanted.role is not None:
        query = query.where(CaseMember.role == wanted.role)
    if wanted.archived is not None:
        query = query.where(Case.archived_at.is_not(None) if wanted.archived else Case.archived_at.is_(None))
    shown = _customer_shown(access)
    if wanted.customer is not None:
        query = query.where(Case.customer == wanted.customer, shown)
    for word in wanted.words:
        query = query.where(_matching(word, dialect, shown, access.masks_any))
    return query


async def list_cases(
    session: AsyncSession, user: User, wanted: CaseFilters, *, first: int, after: str | None
) -> Page[ListedCase]:
    """The cases the caller may open that pass `wanted`, newest first, each with its preview and last edit
    (one statement: the page and its details together)."""
    access = await effective.access_of(session, user)
    query = _with_details(_page_query(user.id, access, wanted, session.get_bind().dialect.name))
    page = await paginate_rows(session, query, Case.id, first=first, after=after)
    return Page(
        items=[_listed(access, row) for row in page.items],
        has_next=page.has_next,
        end_cursor=page.end_cursor,
    )


def preview_of(text: str) -> str:
    """The first non-empty lines of a document, at most PREVIEW_CHARS characters."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:PREVIEW_LINES]
    preview = "\n".join(lines)
    return preview if len(preview) <= PREVIEW_CHARS else preview[: PREVIEW_CHARS - 1].rstrip() + "…"


async def details(session: AsyncSession, user: User, case_ids: Sequence[str]) -> dict[str, ListedCase]:
    """The list view of each of `case_ids` the caller may open, in one statement."""
    return await _details(session, user, await effective.access_of(session, user), case_ids)


async def _details(
    session: AsyncSession, user: User, access: Access, case_ids: Sequence[str]
) -> dict[str, ListedCase]:
    if not case_ids:
        return {}
    member, visible = _visible(user.id, access)
    query = select(Case).outerjoin(CaseMember, member).where(Case.id.in_(list(case_ids)), visible)
    rows = await session.execute(_with_details(query))
    return {row[0].id: _listed(access, row) for row in rows.all()}


# Made once: building aliases and the subquery anew cost more than the statement takes to run.
# Aliased: a search's subqueries on the texts stay their own, not correlated to this join.
_TEXT = aliased(DocText, name="preview")
_LAST = aliased(DocUpdate, name="last_edit")
_EDITOR = aliased(User, name="editor")
_LOG = aliased(DocUpdate, name="log")
# The newest row of the case's log: an index lookup on (case_id, id), however long the log is.
_NEWEST = (
    select(_LOG.id).where(_LOG.case_id == Case.id).order_by(_LOG.id.desc()).limit(1).correlate(Case)
).scalar_subquery()
_DETAILS = (
    CaseMember.role,
    func.substr(_TEXT.text, 1, _PREVIEW_READ),
    _LAST.created_at,
    _EDITOR.id,
    _EDITOR.email,
    _EDITOR.name,
    _EDITOR.role,
)


def _with_details(query: Select[Any]) -> Select[Any]:
    """`query` (of `Case`, joined to the person's membership) with each case's role, the start of its text,
    and its last edit and editor."""
    return (
        query.add_columns(*_DETAILS)
        .outerjoin(_TEXT, _TEXT.case_id == Case.id)
        .outerjoin(_LAST, _LAST.id == _NEWEST)
        .outerjoin(_EDITOR, _EDITOR.id == _LAST.author_id)
    )


def _listed(access: Access, row: Sequence[Any]) -> ListedCase:
    """One row of `_with_details` as the list shows it."""
    case, role, text, edited_at, *who = row
    person = Person(*who) if who[0] is not None else None
    masked = role is None and access.masks(case)
    start = mask_customer_in(text or "", case.customer) if masked else text or ""
    return ListedCase(case, role or CaseRole.VIEWER, preview_of(start), edited_at, person, masked)


async def customers(session: AsyncSession, user: User) -> list[str]:
    """The customers of the cases the caller may open (archived ones too), in alphabetical order; not those
    a policy shows masked (they cannot be filtered on)."""
    access = await effective.access_of(session, user)
    member, visible = _visible(user.id, access)
    shown = _customer_shown(access)
    rows = await session.execute(
        select(Case.customer)
        .outerjoin(CaseMember, member)
        .where(visible, shown)
        .distinct()
        .order_by(Case.customer)
    )
    return list(rows.scalars())

"""Sync tickets for test clients: `/sync/{caseId}` takes `?ticket=`, a fresh one for every connection."""

from __future__ import annotations

from typing import Any

import httpx

SYNC_TICKET = "mutation($c: ID!) { syncTicket(caseId: $c) { ticket expiresAt } }"


class TicketRefused(RuntimeError):
    """`syncTicket` answered with an error; `code` is its extensions.code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def graphql_url_of(sync_base: str) -> str:
    """`http://host:port/graphql` for a `ws://host:port/sync` base (wss -> https)."""
    root = sync_base.rstrip("/").removesuffix("/sync")
    return "http" + root.removeprefix("ws") + "/graphql"


async def fetch_ticket(graphql_url: str, case_id: str, token: str) -> str:
    """A new ticket to `case_id`'s live sync for the owner of `token`."""
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            graphql_url,
            json={"query": SYNC_TICKET, "variables": {"c": case_id}},
            headers={"Authorization": f"Bearer {token}"},
        )
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        error = body["errors"][0]
        raise TicketRefused(str(error.get("extensions", {}).get("code")), str(error.get("message")))
    return str(body["data"]["syncTicket"]["ticket"])


async def ticketed_url(http_url: str, ws_url: str, case_id: str, token: str) -> str:
    """A `/sync/{case_id}?ticket=…` URL good for one connection."""
    return f"{ws_url}/sync/{case_id}?ticket={await fetch_ticket(f'{http_url}/graphql', case_id, token)}"

"""A small GraphQL-over-HTTP client for tests, against a real server or the in-process ASGI app."""

from __future__ import annotations

from typing import Any

import httpx


class GraphQLErrorResponse(AssertionError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{e.get('extensions', {}).get('code')}: {e['message']}" for e in errors))
        self.errors = errors

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code", "") for e in self.errors]

    @property
    def reasons(self) -> list[str | None]:
        """`extensions.reason` of each error (None where there is none)."""
        return [e.get("extensions", {}).get("reason") for e in self.errors]


class GraphQL:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The whole JSON response (data and errors)."""
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The data of a response that must have no errors."""
        body = await self.post(query, variables, token)
        if body.get("errors"):
            raise GraphQLErrorResponse(body["errors"])
        data: dict[str, Any] = body["data"]
        return data

    async def error(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> GraphQLErrorResponse:
        """The errors of a response that must fail."""
        body = await self.post(query, variables, token)
        assert body.get("errors"), f"expected an error, got {body}"
        return GraphQLErrorResponse(body["errors"])

    async def login(self, email: str, password: str) -> str:
        data = await self.data(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
            {"e": email, "p": password},
        )
        token: str = data["login"]["token"]
        return token

    async def create_case(self, token: str, title: str = "A case", customer: str = "ACME") -> str:
        data = await self.data(
            "mutation($i: CreateCaseInput!) { createCase(input: $i) { id } }",
            {"i": {"title": title, "customer": customer}},
            token,
        )
        case_id: str = data["createCase"]["id"]
        return case_id

    async def add_member(self, token: str, case_id: str, user_id: str, role: str) -> None:
        await self.data(
            "mutation($c: ID!, $u: ID!, $r: CaseRole!) { addCaseMember(caseId: $c, userId: $u, role: $r) { role } }",
            {"c": case_id, "u": user_id, "r": role},
            token,
        )

    async def case_text(self, token: str, case_id: str) -> str:
        data = await self.data("query($id: ID!) { case(id: $id) { text } }", {"id": case_id}, token)
        text: str = data["case"]["text"]
        return text

"""Serving the built war room: hashed assets cached for a year, everything else falls back to index.html."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Warroom</title>
<h1>Warroom is running</h1><p>The browser app is not built yet: run <code>make run</code>
(or <code>npm ci &amp;&amp; npm run build</code> in <code>frontend/</code>).
The API is at <a href="/graphql">/graphql</a>.</p>"""


class Frontend:
    """An endpoint for `/{path:path}` serving `dist`."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist.resolve()

    async def __call__(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise HTTPException(405)
        path = str(request.path_params.get("path", ""))
        index = self.dist / "index.html"
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT, headers={"cache-control": "no-cache"})
        target = (self.dist / path).resolve()
        if path and target.is_file() and target.is_relative_to(self.dist):
            immutable = target.is_relative_to(self.dist / "assets")
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(target, headers={"cache-control": cache})
        if path.startswith("assets/") or Path(path).suffix:
            raise HTTPException(404)
        # A client-side route: the app decides what to show.
        return FileResponse(index, headers={"cache-control": "no-cache"})

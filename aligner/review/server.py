"""The review web editor: a Starlette app over a :class:`ReviewSession`, served by uvicorn.

Safe by default, since its pages show a person's documents and its POSTs change their review:

- bound to 127.0.0.1 only, on a free port chosen by the system;
- a random token in the URL that opens it is swapped, on first use, for an HttpOnly,
  SameSite=Strict cookie (and the browser sent to the same page without it); every other
  request without that cookie is refused (403);
- the Host header must name this server (127.0.0.1:PORT or localhost:PORT), so a web page that
  rebinds its own name to 127.0.0.1 (DNS rebinding) reaches nothing;
- changes only by POST, with the token in an ``X-Review-Token`` header (which a cross-site form
  cannot send), JSON only, and a foreign ``Origin`` refused;
- a strict Content-Security-Policy: scripts, styles and data from this server only, no inline
  script, no frame, no form; the page's script and style are files of this package, nothing
  comes from the network; sentence text is set as text (``textContent``), never as HTML;
- the browser never names a file: pairs are numbers into the run's list.

Starlette and uvicorn because they are maintained, small, pure-Python-installable ASGI parts
with no template engine or ORM to audit: the app is a handful of routes.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
import socket
from importlib import resources
from typing import Callable, Optional

from .edits import EditError
from .session import ReviewSession, StaleRevision

COOKIE = "aligner_review"
TOKEN_HEADER = "x-review-token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
                    "referrer-policy": "no-referrer", "cache-control": "no-store",
                    "x-frame-options": "DENY", "cross-origin-opener-policy": "same-origin",
                    "cross-origin-resource-policy": "same-origin"}
# The package files the page is made of, by the only names under which they are served.
ASSETS = {"/review.js": ("review.js", "text/javascript; charset=utf-8"),
          "/review.css": ("review.css", "text/css; charset=utf-8")}
PAGE_LIMIT = 500  # rows per request at most
ACTION_FIELDS = {"pair", "rev", "op", "src_ids", "tgt_ids", "args"}


def _asset(name: str) -> bytes:
    return resources.files("aligner.review").joinpath("static", name).read_bytes()


def free_socket() -> socket.socket:
    """A socket bound to 127.0.0.1 on a port the system chose.

    Made with protocol IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off (TCP_NODELAY) only
    on connections whose socket says so, and with it on, every answer after a connection's first
    waited some 40 ms for the browser's delayed acknowledgement before its body was sent."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class Guard:
    """Checks every request: Host, the session cookie, and for changes the token header and origin."""

    def __init__(self, token: str, port: int):
        self.token = token
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}

    def same(self, value: Optional[str]) -> bool:
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    def refusal(self, request, write: bool = False) -> Optional[str]:
        """Why the request is refused (None: it is not)."""
        if request.headers.get("host") not in self.hosts:
            return "wrong host"
        if not self.same(request.cookies.get(COOKIE)):
            return "no session: open the URL `aligner review` printed"
        if write:
            if not self.same(request.headers.get(TOKEN_HEADER)):
                return "missing token header"
            origin = request.headers.get("origin")
            if origin is not None and origin not in self.origins:
                return "cross-origin request"
            if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
                return "not JSON"
        return None


def make_app(session: ReviewSession, token: str, port: int):
    """The Starlette application of ``session``, opened by ``/?token=TOKEN``."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, RedirectResponse, Response
    from starlette.routing import Route

    guard = Guard(token, port)

    def secured(handler: Callable, write: bool = False):
        async def endpoint(request):
            reason = guard.refusal(request, write)
            response = (await handler(request)) if reason is None else JSONResponse({"error": reason}, 403)
            response.headers.update(SECURITY_HEADERS)
            return response
        return endpoint

    async def index(request):
        if request.headers.get("host") not in guard.hosts:
            return JSONResponse({"error": "wrong host"}, 403)
        if guard.same(request.query_params.get("token")):  # the printed URL: its token becomes the cookie
            response = RedirectResponse("/", 303)
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
            response.headers.update(SECURITY_HEADERS)
            return response
        return await secured(page)(request)

    async def page(request):
        html = _asset("review.html").decode("utf-8").replace("{{token}}", token)
        return Response(html, media_type="text/html; charset=utf-8")

    async def asset(request):
        name, media_type = ASSETS[request.url.path]
        return Response(_asset(name), media_type=media_type)

    async def no_icon(request):
        return Response(status_code=204)

    routes = [Route("/", index), *_api_routes(session, secured)]
    routes += [Route(path, secured(asset)) for path in ASSETS]
    routes.append(Route("/favicon.ico", secured(no_icon)))  # browsers ask for it; an empty answer, not a 404
    return Starlette(routes=routes)


def _api_routes(session: ReviewSession, secured: Callable) -> list:
    """The JSON routes: the run's summary, a pair's page, the queue, reasons, and actions."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def summary(request):
        return JSONResponse(session.summary())

    async def pair_page(request):
        offset, limit = _window(request)
        try:
            answer = await run_in_threadpool(session.page, request.path_params["pair"], offset, limit)
            session.editor.warm_up()  # the page is shown: now the models for the first edit
            return JSONResponse(answer)
        except EditError as exc:
            return JSONResponse({"error": str(exc)}, 404)

    async def reasons(request):
        try:
            places = [tuple(int(n) for n in item.split(":", 1))
                      for item in request.query_params.get("rows", "").split(",") if item][:PAGE_LIMIT]
            return JSONResponse(await run_in_threadpool(session.reasons_of, places))
        except (ValueError, TypeError, EditError):
            return JSONResponse({"error": "rows=PAIR:POSITION,..."}, 400)

    async def queue(request):
        offset, limit = _window(request)
        answer = await run_in_threadpool(session.queue, offset, limit)
        session.editor.warm_up()
        return JSONResponse(answer)

    async def act(request):
        try:
            body = json.loads(await request.body())
            action = _action(body)
            # In the editor's one thread (its models' caches belong to it), off the event loop.
            answer = await asyncio.get_running_loop().run_in_executor(session.editor.worker, session.act, *action)
            return JSONResponse(answer)
        except StaleRevision as exc:
            return JSONResponse({"error": str(exc)}, 409)
        except (ValueError, EditError) as exc:
            return JSONResponse({"error": str(exc)}, 400)

    return [Route("/api/summary", secured(summary)), Route("/api/pair/{pair:int}", secured(pair_page)),
            Route("/api/queue", secured(queue)), Route("/api/reasons", secured(reasons)),
            Route("/api/act", secured(act, write=True), methods=["POST"])]


def _window(request):
    try:
        offset = max(0, int(request.query_params.get("offset", 0)))
        limit = min(PAGE_LIMIT, max(1, int(request.query_params.get("limit", 100))))
    except ValueError:
        offset, limit = 0, 100
    return offset, limit


def _action(body) -> tuple:
    """(pair, rev, op, link key, args) of a POSTed action, every field checked (ValueError)."""
    if not isinstance(body, dict) or set(body) - ACTION_FIELDS:
        raise ValueError(f"unknown field(s): {sorted(set(body) - ACTION_FIELDS) if isinstance(body, dict) else body}")
    pair, rev, op = body.get("pair"), body.get("rev"), body.get("op")
    if type(pair) is not int or type(rev) is not int or not isinstance(op, str):
        raise ValueError("pair and rev must be numbers, op a name")
    ids = [body.get("src_ids", []), body.get("tgt_ids", [])]
    if not all(isinstance(side, list) and all(type(i) is int for i in side) for side in ids):
        raise ValueError("src_ids and tgt_ids must be lists of sentence numbers")
    args = body.get("args", {})
    if not isinstance(args, dict) or not all(isinstance(v, (int, float, str, type(None))) for v in args.values()):
        raise ValueError("args must be an object of plain values")
    return pair, rev, op, (tuple(ids[0]), tuple(ids[1])), args


def serve(session: ReviewSession, on_ready: Callable[[str], None], token: Optional[str] = None) -> None:
    """Serve ``session`` until interrupted; ``on_ready`` receives the URL that opens it."""
    import uvicorn

    token = token or secrets.token_urlsafe(24)
    sock = free_socket()
    port = sock.getsockname()[1]
    app = make_app(session, token, port)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    sock.listen(128)  # connections queue from now on, while uvicorn starts
    on_ready(f"http://127.0.0.1:{port}/?token={token}")
    server.run(sockets=[sock])

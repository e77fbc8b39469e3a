"""What stands between `kabar serve` and the network (docs/serve.md).

textual-serve starts a reader process for every WebSocket that connects, from any page
in any browser. Here: a random token (in the page URL, then in the WebSocket's path)
is required for both, a browser's Origin must be this server's own or a loopback one
(a page elsewhere cannot drive a reader, even through DNS rebinding), and at most
`max_sessions` readers run at once.
"""

from __future__ import annotations

import hmac
import inspect
import ipaddress
import os
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from aiohttp import web

TOKEN_ENVIRONMENT = "KABAR_SERVE_TOKEN"  # not a flag: other users see command lines in `ps`


def session_token() -> str:
    """The token from the environment, else a new random one."""
    return os.environ.get(TOKEN_ENVIRONMENT) or secrets.token_urlsafe(24)


def token_matches(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin_allowed(origin: str | None, public_url: str) -> bool:
    """A browser page may connect when it comes from this server or from this machine.

    Any loopback port is allowed, because SSH port forwarding (`ssh -L 9000:...:8000`)
    shows the page under the local port. Clients that send no Origin are not browsers, so
    no other site can drive them; they still need the token.
    """
    if not origin:
        return True
    parts, public = urlsplit(origin), urlsplit(public_url)
    if parts.scheme not in ("http", "https"):
        return False
    if (parts.scheme, parts.netloc.lower()) == (public.scheme, public.netloc.lower()):
        return True
    return is_loopback(parts.hostname or "")


def guarded_server(
    command: str,
    host: str,
    port: int,
    public_url: str | None,
    token: str,
    max_sessions: int,
) -> Any:
    """A textual-serve Server with the token, Origin and session checks (needs the extra)."""
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server

    class GuardedServer(Server):  # type: ignore[misc]
        sessions = 0

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.router.add_get("/ws/{token}", self.handle_websocket, name="session")
            return app

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            if not token_matches(request.query.get("token"), token):
                raise web.HTTPForbidden(text="kabar serve: open the URL it printed at start\n")
            # The page's data, before aiohttp_jinja2's decorator renders it.
            context: dict[str, Any] = await inspect.unwrap(Server.handle_index)(self, request)
            context["app_websocket_url"] += f"/{token}"
            return context

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            if not token_matches(request.match_info.get("token"), token):
                raise web.HTTPForbidden(text="kabar serve: wrong or missing token\n")
            if not origin_allowed(request.headers.get("Origin"), self.public_url):
                raise web.HTTPForbidden(text="kabar serve: connections from other sites refused\n")
            if self.sessions >= max_sessions:
                raise web.HTTPServiceUnavailable(
                    text=f"kabar serve: {max_sessions} readers already open; close one\n"
                )
            self.sessions += 1
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions -= 1

        async def on_startup(self, app: web.Application) -> None:
            await super().on_startup(app)
            self.console.print(
                f"\nOpen this URL (it holds the access token):\n  {self.public_url}/?token={token}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
            if not is_loopback(host):
                self.console.print(
                    f"\nWarning: listening on {host}, not only on this machine. The connection "
                    "is plain HTTP: anyone on the network path can read the token. "
                    "Prefer SSH port forwarding (docs/serve.md).",
                    highlight=False,
                    markup=False,
                )

    return GuardedServer(command, host=host, port=port, title="kabar", public_url=public_url)

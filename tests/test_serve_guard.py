"""`kabar serve`: a token, the browser's Origin and a session cap guard every reader process."""

from __future__ import annotations

import asyncio
import gc
import sys

import pytest

from kabar_tui.cli import serve_guard
from kabar_tui.cli.serve_guard import origin_allowed, session_token, token_matches

PUBLIC = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),  # not a browser: no other site can drive it (it still needs the token)
        ("http://127.0.0.1:8000", True),
        ("http://localhost:9000", True),  # SSH forwarding to another local port
        ("http://[::1]:8000", True),
        ("http://evil.example:8000", False),
        ("http://127.0.0.1.evil.example:8000", False),
        ("http://127.1.2.3:8000", True),
        ("https://evil.example", False),
        ("null", False),  # sandboxed frames and file:// pages
        ("file://", False),
    ],
)
def test_origin_check(origin: str | None, allowed: bool) -> None:
    assert origin_allowed(origin, PUBLIC) is allowed


def test_origin_of_a_public_url_behind_a_proxy_is_allowed() -> None:
    assert origin_allowed("https://news.example.org", "https://news.example.org")
    assert not origin_allowed("https://other.example.org", "https://news.example.org")


def test_tokens_are_random_unless_set_in_the_environment(monkeypatch) -> None:
    monkeypatch.delenv(serve_guard.TOKEN_ENVIRONMENT, raising=False)
    first, second = session_token(), session_token()
    assert first != second and len(first) >= 32
    monkeypatch.setenv(serve_guard.TOKEN_ENVIRONMENT, "fixed-token")
    assert session_token() == "fixed-token"
    assert token_matches("fixed-token", "fixed-token")
    assert not token_matches(None, "fixed-token")
    assert not token_matches("fixed-toke", "fixed-token")


TOKEN = "t0ken-for-tests"


async def _client(max_sessions: int):
    pytest.importorskip("textual_serve")
    from aiohttp.test_utils import TestClient, TestServer

    command = f"{sys.executable} -c pass"  # a "reader" that ends at once
    server = serve_guard.guarded_server(command, "127.0.0.1", 8000, PUBLIC, TOKEN, max_sessions)
    return server, TestClient(TestServer(await server._make_app()))


async def test_page_needs_the_token_and_points_its_websocket_at_it() -> None:
    _, client = await _client(max_sessions=2)
    async with client:
        assert (await client.get("/")).status == 403
        assert (await client.get("/?token=wrong")).status == 403
        page = await client.get(f"/?token={TOKEN}")
        assert page.status == 200
        assert f"/ws/{TOKEN}" in await page.text()


async def test_websocket_needs_token_and_allowed_origin_and_a_free_session() -> None:
    from aiohttp import WSServerHandshakeError

    server, client = await _client(max_sessions=1)
    async with client:
        for path, origin, status in [
            ("/ws", None, 403),  # textual-serve's own route, without a token
            ("/ws/wrong", None, 403),
            (f"/ws/{TOKEN}", "http://evil.example:8000", 403),
        ]:
            headers = {"Origin": origin} if origin else {}
            with pytest.raises(WSServerHandshakeError) as refused:
                await client.ws_connect(path, headers=headers)
            assert refused.value.status == status
        socket = await client.ws_connect(f"/ws/{TOKEN}", headers={"Origin": "http://localhost:9"})
        try:
            with pytest.raises(WSServerHandshakeError) as busy:
                await client.ws_connect(f"/ws/{TOKEN}")
            assert busy.value.status == 503
        finally:
            await socket.close()
            while server.sessions:  # let the server stop its reader process before the loop ends
                await asyncio.sleep(0.01)
            gc.collect()  # textual-serve leaves the process's transport to the collector

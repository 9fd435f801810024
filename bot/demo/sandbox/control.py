"""The ``/_control/`` HTTP API that drives the stand-in from another process.

See the module docstring of ``bot.demo.sandbox.standin`` for the list of endpoints.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .records import JsonDict, SentMessage
from .spec import UploadedFile

if TYPE_CHECKING:
    from .standin import BotApiStandIn

Action = Callable[["BotApiStandIn", JsonDict], Any]


def _press(api: BotApiStandIn, body: JsonDict) -> JsonDict:
    update_id = api.press(
        int(body["user_id"]),
        int(body["message_id"]),
        str(body["callback_data"]),
        chat_id=body.get("chat_id"),
        check=bool(body.get("check", True)),
    )
    return {"update_id": update_id, "callback_query_id": api.callback_query_id(update_id)}


_ACTIONS: dict[str, Action] = {
    "user": lambda api, b: api.user(**b).to_api(),
    "group": lambda api, b: api.group(**b).to_api(),
    "send_text": lambda api, b: api.send_text(
        int(b["user_id"]), str(b["text"]), chat_id=b.get("chat_id")
    ),
    "edit_text": lambda api, b: api.edit_text(
        int(b["user_id"]), int(b["message_id"]), str(b.get("new_text", b.get("text"))),
        b.get("chat_id"),
    ),
    "press": _press,
    "redeliver": lambda api, b: api.redeliver(int(b["update_id"])),
    "queue_raw": lambda api, b: api.queue_raw(b["update"]),
    "fail_next": lambda api, b: api.fail_next(
        str(b["method"]), status=int(b["status"]), description=b.get("description"),
        retry_after=b.get("retry_after"), times=int(b.get("times", 1)),
    ),
    "hang_next": lambda api, b: api.hang_next(
        str(b["method"]), float(b["seconds"]), int(b.get("times", 1))
    ),
    "block": lambda api, b: api.block(int(b["user_id"])),
    "unblock": lambda api, b: api.unblock(int(b["user_id"])),
    "migrate_group": lambda api, b: api.migrate_group(
        int(b["old_chat_id"]), int(b["new_chat_id"])
    ).to_api(),
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, UploadedFile):
        return {"filename": value.filename, "size": len(value.content)}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def sent_to_json(message: SentMessage) -> JsonDict:
    """A SentMessage as JSON (bytes base64-encoded)."""
    data = asdict(message)
    data.pop("file", None)
    return {k: _jsonable(v) for k, v in data.items()}


def _since(request: web.Request) -> int:
    return int(request.query.get("since", "0"))


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def add_control_routes(app: web.Application, api: BotApiStandIn) -> None:
    """Mount the control API on ``app``."""

    async def post(request: web.Request) -> web.StreamResponse:
        action = _ACTIONS.get(request.match_info["action"])
        if action is None:
            return web.json_response({"ok": False, "error": "unknown action"}, status=404)
        try:
            body = await request.json() if request.body_exists else {}
            return _ok(_jsonable(action(api, body)))
        except (KeyError, TypeError, ValueError, AssertionError) as exc:
            return web.json_response({"ok": False, "error": repr(exc)}, status=400)

    async def sent(request: web.Request) -> web.StreamResponse:
        since = _since(request)
        messages = [sent_to_json(m) for m in api.sent[since:]]
        return _ok({"messages": messages, "next": len(api.sent)})

    async def calls(request: web.Request) -> web.StreamResponse:
        since = _since(request)
        items = [{"method": m, "params": _jsonable(p)} for m, p in api.calls[since:]]
        return _ok({"calls": items, "next": len(api.calls)})

    async def answered(request: web.Request) -> web.StreamResponse:
        return _ok([list(item) for item in api.answered_callbacks])

    async def commands(request: web.Request) -> web.StreamResponse:
        pairs = api.commands(request.query.get("language_code"))
        return _ok([list(pair) for pair in pairs])

    async def state(request: web.Request) -> web.StreamResponse:
        return _ok(
            {
                "base_url": api.base_url,
                "base_file_url": api.base_file_url,
                "pending_updates": api.pending_updates,
                "too_many_requests_count": api.too_many_requests_count,
                "blocked": sorted(api.blocked),
            }
        )

    app.router.add_get("/_control/sent", sent)
    app.router.add_get("/_control/calls", calls)
    app.router.add_get("/_control/answered_callbacks", answered)
    app.router.add_get("/_control/commands", commands)
    app.router.add_get("/_control/state", state)
    app.router.add_post("/_control/{action}", post)

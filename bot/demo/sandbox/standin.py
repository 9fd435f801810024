"""A local stand-in for api.telegram.org, over real HTTP, for one bot token.

In-process use (tests, simulator, benchmarks)::

    async with BotApiStandIn(rate_limit_per_second=30) as api:
        app = (ApplicationBuilder().token(api.token).base_url(api.base_url)
               .base_file_url(api.base_file_url).build())
        api.user(1001, "Officer Lin")
        api.send_text(1001, "/start")
        reply = await api.next_message(1001)
        api.press(1001, reply, reply.button("Report"))

The stand-in implements getMe, getUpdates (real long polling, offset, limit,
allowed_updates, 409 on a concurrent poll), setWebhook/deleteWebhook/getWebhookInfo,
set/get/deleteMyCommands, sendMessage, editMessageText/ReplyMarkup/Caption, deleteMessage,
answerCallbackQuery, sendDocument, sendPhoto, getFile (+ file download), sendChatAction,
getChat, close and logOut; every other documented method of Bot API 10.0 answers ``true``,
an undocumented one 404.  Validation and error wording follow Telegram (see ``methods.py``).
Use it from the event loop thread only.

Standalone::

    python -m bot.demo.sandbox --port 8081 [--host 127.0.0.1] [--token 123456:TEST-TOKEN]
                          [--bot-username keelung_field_bot] [--rate-limit 30]

prints ``http://HOST:PORT/bot`` (the bot's ``base_url``; ``base_file_url`` is
``http://HOST:PORT/file/bot``) and serves until SIGTERM/SIGINT.  A bot running in another
process is driven through the control API (JSON in, ``{"ok": true, "result": ...}`` out)::

    POST /_control/user           {"user_id", "first_name"?, "last_name"?, "username"?,
                                   "language_code"?}
    POST /_control/group          {"chat_id", "title", "type"?}
    POST /_control/send_text      {"user_id", "text", "chat_id"?}           -> update_id
    POST /_control/edit_text      {"user_id", "message_id", "new_text", "chat_id"?}
    POST /_control/press          {"user_id", "message_id", "callback_data", "chat_id"?,
                                   "check"?}          -> {"update_id", "callback_query_id"}
    POST /_control/redeliver      {"update_id"}
    POST /_control/queue_raw      {"update": {...}}
    POST /_control/fail_next      {"method", "status", "description"?, "retry_after"?, "times"?}
    POST /_control/hang_next      {"method", "seconds", "times"?}
    POST /_control/block | unblock {"user_id"}
    POST /_control/migrate_group  {"old_chat_id", "new_chat_id"}
    GET  /_control/sent?since=N   -> {"messages": [...], "next": M}   (current state, edits
                                      applied; document/photo bytes as base64)
    GET  /_control/calls?since=N  -> {"calls": [{"method", "params"}], "next": M}
    GET  /_control/answered_callbacks, /_control/commands?language_code=, /_control/state
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from dataclasses import dataclass
from email.utils import formatdate
from types import TracebackType
from typing import Any

from aiohttp import web

from .control import add_control_routes
from .methods import BotApiMethods
from .records import ApiError, JsonDict
from .spec import MethodSpec, UploadedFile, decode_value, lookup_method, missing_parameter_message

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
}
_PROXY_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_PROXY_REASONS = {502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out"}
MAX_UPLOAD = 64 * 1024 * 1024


class _ProxyError(ApiError):
    """An error answered as an HTML page, like nginx in front of the Bot API."""

    def page(self) -> str:
        return _PROXY_PAGE.format(status=self.status, reason=self.description)


@dataclass
class _Fault:
    kind: str  # "fail" | "hang"
    status: int = 0
    description: str | None = None
    retry_after: int | None = None
    seconds: float = 0.0

    def error(self) -> ApiError:
        if self.status == 429:
            retry = 1 if self.retry_after is None else self.retry_after
            text = self.description or f"Too Many Requests: retry after {retry}"
            return ApiError(429, text, {"retry_after": retry})
        if self.status in _PROXY_REASONS and self.description is None:
            return _ProxyError(self.status, _PROXY_REASONS[self.status])
        text = self.description or _DEFAULT_DESCRIPTIONS.get(self.status, "Internal Server Error")
        params = {"retry_after": self.retry_after} if self.retry_after is not None else None
        return ApiError(self.status, text, params)


class BotApiStandIn(BotApiMethods):
    """An aiohttp server that behaves like api.telegram.org for one bot token."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "keelung_field_bot",
        rate_limit_per_second: float | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_first_name: str = "Keelung Field Bot",
        strict_html: bool = True,
    ) -> None:
        super().__init__(token, bot_username, bot_first_name, strict_html)
        self.rate_limit_per_second = rate_limit_per_second
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._faults: dict[str, deque[_Fault]] = {}
        self._send_times: deque[float] = deque()
        self._stopping = asyncio.Event()
        self.clock_offset = 0.0
        """Seconds added to the Date header of every answer (a Telegram whose clock differs from ours)."""

    # ----------------------------------------------------------------- lifecycle
    @property
    def url(self) -> str:
        """``http://host:port`` of the running server."""
        if self._runner is None:
            raise RuntimeError("the stand-in is not started")
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url(...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    async def start(self) -> None:
        """Start serving on ``host:port`` (port 0 picks a free port)."""
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_control_routes(app, self)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        await site.start()
        self._port = int(runner.addresses[0][1])
        self._runner = runner
        self._closing = False
        self._stopping.clear()

    async def stop(self) -> None:
        """Answer pending long polls and hung calls, then close the server."""
        self._closing = True
        self._stopping.set()
        self._updates_signal.notify()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> BotApiStandIn:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ----------------------------------------------------------------- fault injection
    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls of ``method`` answer this error and have no effect.

        429 gets ``parameters.retry_after`` (default 1) and Telegram's wording; 502/503/504
        without a description answer an nginx HTML page like a real proxy.
        """
        fault = _Fault("fail", status, description, retry_after)
        self._fault_queue(method).extend(fault for _ in range(times))

    def hang_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Delay the answer of the next ``times`` calls of ``method`` by ``seconds``.

        The call is carried out after the delay (also if the client gave up meanwhile, like a
        response lost on the way back); ``stop()`` cuts the delay short.
        """
        self._fault_queue(method).extend(_Fault("hang", seconds=seconds) for _ in range(times))

    def _fault_queue(self, method: str) -> deque[_Fault]:
        spec = lookup_method(method)
        if spec is None:
            raise ValueError(f"unknown Bot API method {method!r}")
        return self._faults.setdefault(spec.name, deque())

    async def _apply_fault(self, name: str) -> None:
        queue = self._faults.get(name)
        if not queue:
            return
        fault = queue.popleft()
        if fault.kind == "fail":
            raise fault.error()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), fault.seconds)

    def _check_rate(self, name: str) -> None:
        limit = self.rate_limit_per_second
        if limit is None or not name.startswith("send"):
            return
        now = asyncio.get_running_loop().time()
        while self._send_times and self._send_times[0] <= now - 1.0:
            self._send_times.popleft()
        if len(self._send_times) >= limit:
            retry = max(1, math.ceil(self._send_times[0] + 1.0 - now))
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        self._send_times.append(now)

    # ----------------------------------------------------------------- HTTP
    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        response = await self._answer_api(request)
        if self.clock_offset:
            response.headers["Date"] = formatdate(time.time() + self.clock_offset, usegmt=True)
        return response

    async def _answer_api(self, request: web.Request) -> web.StreamResponse:
        try:
            result = await self._process(request)
        except _ProxyError as exc:
            return web.Response(status=exc.status, text=exc.page(), content_type="text/html")
        except ApiError as exc:
            if exc.status == 429:
                self.too_many_requests_count += 1
            return web.json_response(exc.payload(), status=exc.status)
        return web.json_response({"ok": True, "result": result})

    async def _process(self, request: web.Request) -> Any:
        if request.match_info["token"] != self._token:
            raise ApiError(401, "Unauthorized")
        spec = lookup_method(request.match_info["method"])
        if spec is None:
            raise ApiError(404, "Not Found")
        params = await _read_params(request, spec)
        self.calls.append((spec.name, params))
        await self._apply_fault(spec.name)
        missing = _missing(spec, params)
        if missing is not None:
            raise ApiError(400, missing_parameter_message(missing))
        self._check_rate(spec.name)
        return await self.call_method(spec.name, params)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self._token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        stored = self.stored_file(request.match_info["path"])
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(body=stored.content, content_type=stored.mime_type)


def _missing(spec: MethodSpec, params: JsonDict) -> str | None:
    for field in spec.fields:
        if field.required and (params.get(field.name) is None or params.get(field.name) == ""):
            return field.name
    return None


async def _read_params(request: web.Request, spec: MethodSpec) -> JsonDict:
    """Collect query, JSON, form and multipart parameters; decode them per the spec."""
    raw: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON encoded request") from None
        if isinstance(body, dict):
            raw.update(body)
    elif request.body_exists:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                raw[key] = UploadedFile(value.filename, value.file.read(), value.content_type)
            else:
                raw[key] = value
    for key, value in list(raw.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            raw[key] = raw.get(value[len("attach://") :], value)
    return {key: decode_value(value, spec.field(key)) for key, value in raw.items()}

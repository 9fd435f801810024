"""Tests of the Bot API stand-in, driven by a real python-telegram-bot Application."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.demo.sandbox import BotApiStandIn, parse_html

os.environ["NO_PROXY"] = "127.0.0.1,localhost"
os.environ["no_proxy"] = "127.0.0.1,localhost"

USER = 1001
TOKEN = "123456:TEST-TOKEN"


# ------------------------------------------------------------------ fixtures
@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn() as standin:
        standin.user(USER, "林警員", username="officer_lin")
        yield standin


@pytest.fixture
async def http(api: BotApiStandIn) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api.url, timeout=10) as client:
        yield client


@pytest.fixture
async def bot(api: BotApiStandIn) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as tg_bot:
        yield tg_bot


async def call(http: httpx.AsyncClient, method: str, token: str = TOKEN, **params: Any) -> Any:
    """POST form-encoded parameters like PTB does; returns (status, json)."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    response = await http.post(f"/bot{token}/{method}", data=data)
    return response.status_code, response.json()


async def arrived(api: BotApiStandIn, method: str, count: int = 1) -> None:
    """Wait until the stand-in has received `count` calls of `method`."""
    async with asyncio.timeout(5):
        while sum(name == method for name, _ in api.calls) < count:
            await asyncio.sleep(0.005)


seen_update_ids: list[int] = []


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("回報 Report", callback_data="report:1")],
         [InlineKeyboardButton("取消", callback_data="cancel")]]
    )  # fmt: skip
    await update.message.reply_text("<b>選單</b> menu", parse_mode="HTML", reply_markup=keyboard)


async def on_echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    seen_update_ids.append(update.update_id)
    await update.message.reply_text(f"echo: <i>{html.escape(update.message.text)}</i>",
                                    parse_mode="HTML")  # fmt: skip


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("收到")
    await query.edit_message_text(f"已選 {query.data}")


@pytest.fixture
async def app(api: BotApiStandIn) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    seen_update_ids.clear()
    application = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_echo))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


# ------------------------------------------------------------------ with a real Application
async def test_echo_round_trip(api: BotApiStandIn, app: Application[Any, Any, Any, Any, Any, Any]):
    api.send_text(USER, "你好 & <world>")
    message = await api.next_message(USER)
    assert message.text == "echo: <i>你好 &amp; &lt;world&gt;</i>"
    assert message.plain_text == "echo: 你好 & <world>"
    assert message.entities == [{"type": "italic", "offset": 6, "length": 12}]
    assert message.parse_mode == "HTML"
    names = [name for name, _ in api.calls]
    assert names[0] == "getMe" and "deleteWebhook" in names and "getUpdates" in names
    api.send_text(USER, "again")  # one echo each: the next message is the second one's
    assert (await api.next_message(USER)).plain_text == "echo: again"


async def test_command_keyboard_press_and_edit(
    api: BotApiStandIn, app: Application[Any, Any, Any, Any, Any, Any]
):
    update_id = api.send_text(USER, "/start")
    menu = await api.next_message(USER)
    assert menu.plain_text == "選單 menu"
    assert menu.buttons == [("回報 Report", "report:1"), ("取消", "cancel")]
    assert menu.button("Report") == "report:1"

    press_id = api.press(USER, menu, menu.button("Report"))
    assert press_id > update_id
    edited = await api.next_event(USER)
    assert edited.message_id == menu.message_id and edited.text == "已選 report:1"
    assert menu.text == "已選 report:1" and menu.edits == ["<b>選單</b> menu"]
    assert menu.reply_markup is None  # editMessageText without markup drops the keyboard
    assert api.answered_callbacks == [(api.callback_query_id(press_id), "收到", False)]
    with pytest.raises(AssertionError):
        api.press(USER, menu, "report:1")  # the button is gone


async def test_user_message_has_bot_command_entity(api: BotApiStandIn, http: httpx.AsyncClient):
    api.group(-100, "基隆分局", "group")
    api.send_text(USER, "/report@keelung_field_bot now", chat_id=-100)
    _, body = await call(http, "getUpdates")
    message = body["result"][0]["message"]
    assert message["chat"] == {"id": -100, "type": "group", "title": "基隆分局"}
    assert message["from"]["username"] == "officer_lin"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 25}]


async def test_redelivered_update_arrives_with_same_id(
    api: BotApiStandIn, app: Application[Any, Any, Any, Any, Any, Any]
):
    update_id = api.send_text(USER, "once")
    await api.next_message(USER)
    assert api.redeliver(update_id) == update_id
    again = await api.next_message(USER)
    assert again.plain_text == "echo: once"
    assert seen_update_ids == [update_id, update_id]


# ------------------------------------------------------------------ HTTP-level behaviour
async def test_unknown_method_and_wrong_token(http: httpx.AsyncClient):
    assert await call(http, "sendTelepathy", chat_id=USER) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert await call(http, "getMe", token="123456:WRONG") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    status, body = await call(http, "getme")  # method names are case-insensitive
    assert status == 200 and body["result"]["username"] == "keelung_field_bot"
    assert (await call(http, "setChatTitle", chat_id=USER, title="x"))[1]["result"] is True


async def test_required_parameters(http: httpx.AsyncClient):
    assert (await call(http, "sendMessage", text="hi"))[1]["description"] == (
        "Bad Request: chat_id is empty"
    )
    assert (await call(http, "sendMessage", chat_id=USER))[1]["description"] == (
        "Bad Request: message text is empty"
    )
    assert (await call(http, "sendMessage", chat_id=USER, text="  \n "))[1]["description"] == (
        "Bad Request: message text is empty"
    )
    assert (await call(http, "answerCallbackQuery"))[0] == 400
    assert (await call(http, "sendMessage", chat_id=999, text="x"))[1]["description"] == (
        "Bad Request: chat not found"
    )


async def test_message_length_in_utf16_after_html(bot: Bot):
    await bot.send_message(USER, "a" * 4096)
    await bot.send_message(USER, "<b>" + "警" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(USER, "a" * 4097)
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(USER, "😀" * 2049)  # 4098 UTF-16 code units


async def test_callback_data_limits(api: BotApiStandIn, bot: Bot, http: httpx.AsyncClient):
    def markup(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data=data)]])

    await bot.send_message(USER, "ok", reply_markup=markup("x" * 64))
    for bad in ("x" * 65, "警" * 22):
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(USER, "bad", reply_markup=markup(bad))
    empty = {"inline_keyboard": [[{"text": "b", "callback_data": ""}]]}
    status, body = await call(http, "sendMessage", chat_id=USER, text="e", reply_markup=empty)
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")
    assert len(api.sent) == 1


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<blink>x</blink>", 'Unsupported start tag "blink" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("Tom & Jerry", 'Unescaped "&"'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
    ],
)
async def test_malformed_html(http: httpx.AsyncClient, text: str, detail: str):
    status, body = await call(http, "sendMessage", chat_id=USER, text=text, parse_mode="HTML")
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse entities: " + detail)


def test_html_entities_parsed_like_telegram():
    text, entities = parse_html(
        '<b>粗 <i>斜</i></b> <a href="https://x.tw/?a=1&amp;b=2">連結</a> &lt;&#x1F600;&gt; '
        '<pre><code class="language-python">x = 1</code></pre><tg-spoiler>s</tg-spoiler>'
    )
    assert text == "粗 斜 連結 <😀> x = 1s"
    assert {"type": "bold", "offset": 0, "length": 3} in entities
    assert {"type": "italic", "offset": 2, "length": 1} in entities
    assert {"type": "text_link", "offset": 4, "length": 2, "url": "https://x.tw/?a=1&b=2"} in entities
    assert {"type": "pre", "offset": 12, "length": 5, "language": "python"} in entities
    assert {"type": "spoiler", "offset": 17, "length": 1} in entities


async def test_caption_and_uploads(api: BotApiStandIn, bot: Bot):
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_document(USER, b"%PDF-1.4", filename="r.pdf", caption="c" * 1025)
    sent = await bot.send_document(USER, b"%PDF-1.4 report", filename="report.pdf", caption="月報")
    assert sent.document is not None and sent.document.file_name == "report.pdf"
    record = api.sent[-1]
    assert record.document == ("report.pdf", b"%PDF-1.4 report") and record.caption == "月報"
    photo = await bot.send_photo(USER, b"\x89PNG fake", caption="<b>現場</b>", parse_mode="HTML")
    assert photo.caption == "現場" and api.sent[-1].photo == b"\x89PNG fake"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 report"


async def test_edit_not_modified_and_not_found(bot: Bot):
    message = await bot.send_message(USER, "<b>same</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("<b>same</b>", USER, message.message_id, parse_mode="HTML")
    edited = await bot.edit_message_text("<i>same</i>", USER, message.message_id, parse_mode="HTML")
    assert isinstance(edited, type(message)) and edited.edit_date is not None
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", USER, 9999)
    assert await bot.delete_message(USER, message.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, message.message_id)


async def test_blocked_user_and_migrated_group(api: BotApiStandIn, bot: Bot):
    api.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "hi")
    updates = await bot.get_updates()
    assert updates[-1].my_chat_member is not None
    assert updates[-1].my_chat_member.new_chat_member.status == "kicked"
    api.unblock(USER)
    await bot.send_message(USER, "hi")

    api.group(-5001, "舊群組")
    api.migrate_group(-5001, -1005001)
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-5001, "hi")
    assert caught.value.new_chat_id == -1005001
    await bot.send_message(-1005001, "hi")


async def test_injected_faults(
    api: BotApiStandIn, bot: Bot, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # RetryAfter warns about its future type otherwise
    api.fail_next("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "x")
    assert caught.value.retry_after == dt.timedelta(seconds=3)
    assert api.too_many_requests_count == 1 and api.sent == []

    api.fail_next("sendMessage", status=502)
    response = await http.post(f"/bot{TOKEN}/sendMessage", data={"chat_id": USER, "text": "x"})
    assert response.status_code == 502 and "<h1>502 Bad Gateway</h1>" in response.text
    api.fail_next("sendmessage", status=502)
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "x")
    await bot.send_message(USER, "works again")
    assert [m.text for m in api.sent] == ["works again"]


async def test_hang_next_answers_late_but_still_sends(api: BotApiStandIn, http: httpx.AsyncClient):
    api.hang_next("sendMessage", 0.6)
    with pytest.raises(httpx.ReadTimeout):
        await http.post(f"/bot{TOKEN}/sendMessage", data={"chat_id": USER, "text": "late"},
                        timeout=0.2)  # fmt: skip
    message = await api.next_message(USER, timeout=3)
    assert message.text == "late"


async def test_rate_limit(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    async with BotApiStandIn(rate_limit_per_second=2) as limited:
        limited.user(USER)
        async with Bot(TOKEN, base_url=limited.base_url) as tg_bot:
            await tg_bot.send_message(USER, "1")
            await tg_bot.send_chat_action(USER, "typing")
            with pytest.raises(RetryAfter):
                await tg_bot.send_message(USER, "3")
            assert limited.too_many_requests_count == 1
            await asyncio.sleep(1.05)
            await tg_bot.send_message(USER, "4")


async def test_long_polling_wakes_on_new_update(api: BotApiStandIn, http: httpx.AsyncClient):
    first = api.send_text(USER, "a")
    poll = asyncio.create_task(call(http, "getUpdates", offset=first + 1, timeout=5))
    await arrived(api, "getUpdates")  # the poll waits: had it answered before "b", it would hold nothing
    started = time.monotonic()
    second = api.send_text(USER, "b")
    _, body = await poll
    assert time.monotonic() - started < 1.0
    assert [u["update_id"] for u in body["result"]] == [second]
    # offset confirmed "a"; "b" is still there until confirmed
    assert [u["update_id"] for u in (await call(http, "getUpdates"))[1]["result"]] == [second]
    _, body = await call(http, "getUpdates", offset=second + 1, timeout=0)
    assert body["result"] == [] and api.pending_updates == 0


async def test_concurrent_polls_conflict_and_allowed_updates(
    api: BotApiStandIn, http: httpx.AsyncClient
):
    first = asyncio.create_task(call(http, "getUpdates", timeout=5))
    await arrived(api, "getUpdates")
    second = asyncio.create_task(call(http, "getUpdates", timeout=0))
    status, body = await first
    assert status == 409 and "terminated by other getUpdates request" in body["description"]
    await second
    api.send_text(USER, "text")
    _, body = await call(http, "getUpdates", allowed_updates=["callback_query"])
    assert body["result"] == []
    status, body = await call(http, "setWebhook", url="https://example.org/hook")
    assert (await call(http, "getUpdates"))[0] == 409
    await call(http, "deleteWebhook")


async def test_commands_per_language(api: BotApiStandIn, bot: Bot):
    await bot.set_my_commands([("report", "回報")], language_code="zh-hant")
    await bot.set_my_commands([("report", "Report")])
    assert api.commands("zh-hant") == [("report", "回報")]
    assert api.commands() == [("report", "Report")]
    assert [c.command for c in await bot.get_my_commands(language_code="zh-hant")] == ["report"]
    await bot.delete_my_commands(language_code="zh-hant")
    assert api.commands("zh-hant") == []
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Report", "bad")])
    chat = await bot.get_chat(USER)
    assert chat.first_name == "林警員"


async def test_control_api(api: BotApiStandIn, http: httpx.AsyncClient, bot: Bot):
    response = await http.post("/_control/send_text", json={"user_id": 2002, "text": "/start"})
    update_id = response.json()["result"]
    updates = await bot.get_updates()
    assert updates[0].update_id == update_id and updates[0].message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ok")]])
    await bot.send_message(2002, "menu", reply_markup=keyboard)
    sent = (await http.get("/_control/sent", params={"since": 0})).json()["result"]
    assert sent["next"] == 1 and sent["messages"][0]["text"] == "menu"
    press = {"user_id": 2002, "message_id": sent["messages"][0]["message_id"], "callback_data": "ok"}
    result = (await http.post("/_control/press", json=press)).json()["result"]
    await http.post("/_control/fail_next", json={"method": "answerCallbackQuery", "status": 400})
    with pytest.raises(BadRequest):
        await bot.answer_callback_query(result["callback_query_id"])
    assert await bot.answer_callback_query(result["callback_query_id"], text="done")
    answered = (await http.get("/_control/answered_callbacks")).json()["result"]
    assert answered == [[result["callback_query_id"], "done", False]]


async def test_standalone_cli():
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.demo.sandbox", "--port", "0", "--token", TOKEN,
        stdout=asyncio.subprocess.PIPE,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )  # fmt: skip
    assert process.stdout is not None
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), 20)).decode().strip()
        assert line.startswith("http://127.0.0.1:") and line.endswith("/bot")
        async with httpx.AsyncClient() as client:
            me = (await client.get(f"{line}{TOKEN}/getMe")).json()
        assert me["result"]["is_bot"] is True
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 20) == 0


async def test_user_edit_and_raw_updates(api: BotApiStandIn, bot: Bot):
    first = api.send_text(USER, "/report 1")
    updates = await bot.get_updates()
    message = updates[0].message
    assert message is not None and message.text == "/report 1"
    edit = api.edit_text(USER, message.message_id, "/report 2")
    raw = api.queue_raw({"message_reaction": {"chat": {"id": USER, "type": "private"}}})
    assert first < edit < raw
    updates = await bot.get_updates(offset=first + 1, allowed_updates=["edited_message"])
    assert [u.update_id for u in updates] == [edit]
    assert updates[0].edited_message is not None
    assert updates[0].edited_message.text == "/report 2"


async def test_stop_answers_pending_long_poll():
    standin = BotApiStandIn()
    await standin.start()
    async with httpx.AsyncClient(base_url=standin.url) as client:
        poll = asyncio.create_task(client.post(f"/bot{TOKEN}/getUpdates", data={"timeout": 30}))
        standin.hang_next("getMe", 30)
        hung = asyncio.create_task(client.post(f"/bot{TOKEN}/getMe"))
        await arrived(standin, "getUpdates")
        await arrived(standin, "getMe")
        started = time.monotonic()
        await standin.stop()
        assert (await poll).json() == {"ok": True, "result": []}
        assert (await hung).json()["ok"] is True
        assert time.monotonic() - started < 5

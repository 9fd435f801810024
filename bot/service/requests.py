"""The request layer, counted: every Bot API call's method and outcome reach `Vitals`."""

from __future__ import annotations

import re
from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest, RequestData

from bot.service.vitals import Vitals

_METHOD = re.compile(r"/([A-Za-z]{1,64})$")


def method_of(url: str) -> str:
    """The Bot API method a URL calls (getUpdates), never the token or query before it."""
    match = _METHOD.search(url.split("?", 1)[0])
    return match[1] if match else "other"


class CountingRequest(HTTPXRequest):
    """PTB's httpx request, telling `Vitals` of each answer and each call left unanswered."""

    def __init__(self, vitals: Vitals, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._vitals = vitals

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        write_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: Any = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make the call, then count it."""
        name = method_of(url)
        try:
            status, body = await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
            )
        except NetworkError:
            self._vitals.api_unreachable(name)
            raise
        self._vitals.api_answered(name, status)
        return status, body

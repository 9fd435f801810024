"""``python -m bot.demo.sandbox``: run the Bot API stand-in alone (see ``bot.demo.sandbox.standin``)."""

from __future__ import annotations

import argparse
import asyncio
import signal

from .standin import BotApiStandIn


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.demo.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--bot-username", default="keelung_field_bot")
    parser.add_argument("--rate-limit", type=float, default=None, help="send* calls per second")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    standin = BotApiStandIn(
        args.token, args.bot_username, args.rate_limit, host=args.host, port=args.port
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with standin:
        print(standin.base_url, flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the standalone server."""
    asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()

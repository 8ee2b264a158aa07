"""Ignores SIGINT entirely, so only SIGTERM or SIGKILL end it."""
import asyncio
import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)


async def main():
    await asyncio.sleep(60)


asyncio.run(main())

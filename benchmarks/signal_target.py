"""Keeps running while SIGINTs arrive; each is taken by a loop signal handler."""
import asyncio
import signal


async def main():
    loop = asyncio.get_running_loop()
    received = asyncio.Queue()
    loop.add_signal_handler(signal.SIGINT, received.put_nowait, None)
    await asyncio.sleep(30)


asyncio.run(main())

"""Ctrl+C (INT@0.3) while the task "busy" holds the loop in a blocking call: asyncio.Runner's
signal handler runs inside busy's step and cancels main, which passes it on to busy."""
import asyncio
import time


async def busy():
    time.sleep(1.0)  # the signal handler runs in here
    await asyncio.sleep(5)


async def main():
    await asyncio.create_task(busy(), name="busy")


asyncio.run(main())

"""Wrong: catches the CancelledError, cleans up, then raises KeyboardInterrupt by hand so
that the exit status is -2. The worker task ends failed, not cancelled: whoever waits for it
never learns it was cancelled.

Rejected by: worker raised KeyboardInterrupt instead
"""
import asyncio
import os

STEPS = int(os.environ.get("STEPS", "100"))


async def worker():
    print("worker: connection open", flush=True)
    try:
        for step in range(STEPS):
            await asyncio.sleep(0.1)  # one step of work
    except asyncio.CancelledError:
        print("worker: closing the connection", flush=True)
        await asyncio.sleep(0.1)
        print("worker: cleanup done", flush=True)
        raise KeyboardInterrupt
    print("worker: closing the connection", flush=True)
    await asyncio.sleep(0.1)
    print("worker: cleanup done", flush=True)


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())

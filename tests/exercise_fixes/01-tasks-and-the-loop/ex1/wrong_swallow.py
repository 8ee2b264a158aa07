"""Wrong: catches the CancelledError, cleans up and returns: the cancellation is swallowed,
asyncio.run returns normally and the program exits 0 as if nobody had pressed Ctrl+C.

Rejected by: worker returned normally
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
        pass
    print("worker: closing the connection", flush=True)
    await asyncio.sleep(0.1)
    print("worker: cleanup done", flush=True)


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())

"""Wrong: prints the cleanup line first, so that it is in the output whatever happens; the
real cleanup at the end still never runs on a Ctrl+C.

Rejected by: before its cancellation was requested
"""
import asyncio
import os

STEPS = int(os.environ.get("STEPS", "100"))


async def worker():
    print("worker: connection open", flush=True)
    print("worker: cleanup done", flush=True)
    for step in range(STEPS):
        await asyncio.sleep(0.1)  # one step of work
    print("worker: closing the connection", flush=True)
    await asyncio.sleep(0.1)


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())

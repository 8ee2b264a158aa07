"""Wrong: moves the cleanup into `except asyncio.CancelledError:`, so a worker that ends by
itself, without a Ctrl+C, never closes its connection.

Rejected by: 'worker: cleanup done' was never printed
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
        raise


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())

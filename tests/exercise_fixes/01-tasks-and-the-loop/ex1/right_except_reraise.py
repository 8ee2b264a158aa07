"""Right: cleans up in `except asyncio.CancelledError:` and raises it again; the normal end
keeps its own cleanup after the loop."""
import asyncio
import os

STEPS = int(os.environ.get("STEPS", "100"))


async def close_connection():
    print("worker: closing the connection", flush=True)
    await asyncio.sleep(0.1)
    print("worker: cleanup done", flush=True)


async def worker():
    print("worker: connection open", flush=True)
    try:
        for step in range(STEPS):
            await asyncio.sleep(0.1)  # one step of work
    except asyncio.CancelledError:
        await close_connection()
        raise
    await close_connection()


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())

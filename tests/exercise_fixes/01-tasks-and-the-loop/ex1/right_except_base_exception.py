"""Right: `except BaseException:` catches the CancelledError too; the cleanup runs and the
exception goes on with a bare `raise`."""
import asyncio
import os

STEPS = int(os.environ.get("STEPS", "100"))


async def worker():
    print("worker: connection open", flush=True)
    try:
        for step in range(STEPS):
            await asyncio.sleep(0.1)  # one step of work
    except BaseException:
        print("worker: closing the connection", flush=True)
        await asyncio.sleep(0.1)
        print("worker: cleanup done", flush=True)
        raise
    print("worker: closing the connection", flush=True)
    await asyncio.sleep(0.1)
    print("worker: cleanup done", flush=True)


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())

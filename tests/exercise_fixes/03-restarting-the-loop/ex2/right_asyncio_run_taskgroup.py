"""Right: asyncio.run() and a TaskGroup do it all: when worker 1 fails, the group cancels
worker 2, waits for it, and raises the error (in an ExceptionGroup); a Ctrl+C cancels main, and
the group cancels and waits for both workers.
"""
import asyncio
import os

# The check runs this program with another cleanup time too: it sets CLEANUP_2
# in the environment. Keep this line as it is.
CLEANUP_2 = float(os.environ.get("CLEANUP_2", "0.5"))


async def worker(n, seconds, cleanup_seconds, fails=False):
    print(f"worker {n}: started", flush=True)
    try:
        await asyncio.sleep(seconds)
        if fails:
            raise ConnectionError(f"worker {n} lost its connection")
    finally:
        print(f"worker {n}: cleanup started", flush=True)
        await asyncio.sleep(cleanup_seconds)  # e.g. close a connection
        print(f"worker {n}: cleanup done", flush=True)


async def main():
    async with asyncio.TaskGroup() as group:
        group.create_task(worker(1, 0.5, 0.1, fails=True), name="worker 1")
        group.create_task(worker(2, 30, CLEANUP_2), name="worker 2")


try:
    asyncio.run(main())
finally:
    print("main: loop closed", flush=True)

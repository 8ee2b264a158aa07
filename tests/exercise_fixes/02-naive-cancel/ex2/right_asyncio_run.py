"""Right: asyncio.run() does the whole shutdown: after a Ctrl+C, and after a normal end, it
cancels every task still on its loop, the heartbeat included, and waits for all of them.
"""
import asyncio
import os

# The check runs this program with another cleanup time too: it sets
# CLEANUP_HEARTBEAT in the environment. Keep this line as it is.
CLEANUP_HEARTBEAT = float(os.environ.get("CLEANUP_HEARTBEAT", "0.1"))


async def heartbeat():
    print("heartbeat: started", flush=True)
    try:
        while True:
            await asyncio.sleep(0.3)
            print("heartbeat: still here", flush=True)
    finally:
        print("heartbeat: cleanup started", flush=True)
        await asyncio.sleep(CLEANUP_HEARTBEAT)  # e.g. tell the server goodbye
        print("heartbeat: cleanup done", flush=True)


async def worker(n, seconds):
    print(f"worker {n}: started", flush=True)
    if n == 2:
        # worker 2 starts a task of its own: main never sees it
        helper = asyncio.create_task(heartbeat(), name="heartbeat")
    try:
        await asyncio.sleep(seconds)
    finally:
        print(f"worker {n}: cleanup started", flush=True)
        await asyncio.sleep(0.1)  # e.g. close a connection
        print(f"worker {n}: cleanup done", flush=True)


async def main():
    tasks = [asyncio.create_task(worker(1, 1), name="worker 1"),
             asyncio.create_task(worker(2, 2), name="worker 2")]
    await asyncio.gather(*tasks)


try:
    asyncio.run(main())
finally:
    print("main: loop closed", flush=True)

"""Wrong: cancels every task of the loop and waits for them, but only after a Ctrl+C; when the
workers end by themselves, the heartbeat is still running when the loop is closed.

Rejected by: destroyed while pending: heartbeat
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


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
tasks = [loop.create_task(worker(1, 1), name="worker 1"),
         loop.create_task(worker(2, 2), name="worker 2")]
gathered = asyncio.gather(*tasks)
try:
    loop.run_until_complete(gathered)
except KeyboardInterrupt:
    print("main: caught KeyboardInterrupt, cancelling tasks", flush=True)
    left = asyncio.all_tasks(loop)
    for t in left:
        t.cancel()
    loop.run_until_complete(asyncio.wait(left))
    gathered.exception()
    raise
finally:
    loop.close()
    print("main: loop closed", flush=True)

"""Wrong: runs the loop for a fixed 1.5 s, long enough for these cleanups, so the program
always waits 1.5 s, even when the cleanups are done much sooner.

Rejected by: (limit 1.1 s)
"""
import asyncio
import os

# The check runs this program with other cleanup times too: it sets CLEANUP_1 and
# CLEANUP_2 in the environment. Keep these two lines as they are.
CLEANUP_1 = float(os.environ.get("CLEANUP_1", "0.1"))
CLEANUP_2 = float(os.environ.get("CLEANUP_2", "0.1"))


async def worker(n, seconds, cleanup_seconds):
    print(f"worker {n}: started", flush=True)
    try:
        await asyncio.sleep(seconds)
    finally:
        print(f"worker {n}: cleanup started", flush=True)
        await asyncio.sleep(cleanup_seconds)  # e.g. close a connection
        print(f"worker {n}: cleanup done", flush=True)


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
tasks = [loop.create_task(worker(1, 1, CLEANUP_1), name="worker 1"),
         loop.create_task(worker(2, 2, CLEANUP_2), name="worker 2")]
gathered = asyncio.gather(*tasks)
try:
    loop.run_until_complete(gathered)
except KeyboardInterrupt:
    print("main: caught KeyboardInterrupt, cancelling tasks", flush=True)
    for t in tasks:
        t.cancel()
    loop.run_until_complete(asyncio.sleep(1.5))
    gathered.exception()
    raise
finally:
    loop.close()
    print("main: loop closed", flush=True)

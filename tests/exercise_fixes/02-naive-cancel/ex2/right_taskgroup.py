"""Right: worker 2 runs its heartbeat in a TaskGroup: when worker 2 is cancelled, the group
cancels the heartbeat and waits for it; when its work is done, it cancels the heartbeat itself
and the group waits.
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
    async with asyncio.TaskGroup() as group:
        if n == 2:
            helper = group.create_task(heartbeat(), name="heartbeat")
        try:
            await asyncio.sleep(seconds)
        finally:
            print(f"worker {n}: cleanup started", flush=True)
            await asyncio.sleep(0.1)  # e.g. close a connection
            print(f"worker {n}: cleanup done", flush=True)
        if n == 2:
            helper.cancel()  # the work is done: stop the heartbeat; the group waits for it


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
tasks = [loop.create_task(worker(1, 1), name="worker 1"),
         loop.create_task(worker(2, 2), name="worker 2")]
gathered = asyncio.gather(*tasks)
try:
    loop.run_until_complete(gathered)
except KeyboardInterrupt:
    print("main: caught KeyboardInterrupt, cancelling tasks", flush=True)
    for t in tasks:
        t.cancel()
    loop.run_until_complete(asyncio.wait(tasks))
    gathered.exception()
    raise
finally:
    loop.close()
    print("main: loop closed", flush=True)

"""Right: the answer's own idea, made to hold: a gather with return_exceptions=True, done when
every task is done, stops the loop from a done callback; run_forever() then returns.
"""
import asyncio
import os

# The check runs this program with other cleanup times too: it sets CLEANUP_1 and
# CLEANUP_2 in the environment. Keep these two lines as they are.
CLEANUP_1 = float(os.environ.get("CLEANUP_1", "0.1"))
CLEANUP_2 = float(os.environ.get("CLEANUP_2", "0.5"))


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
    print("main: Ctrl+C, cancelling the tasks", flush=True)
    gathered.cancel()
    everything = asyncio.gather(*tasks, return_exceptions=True)
    everything.add_done_callback(lambda _: loop.stop())
    loop.run_forever()
    gathered.exception()
    raise
finally:
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    print("main: loop closed", flush=True)

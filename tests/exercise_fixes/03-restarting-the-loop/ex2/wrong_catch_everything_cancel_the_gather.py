"""Wrong: catches every exception instead of KeyboardInterrupt only, but still cancels through
the gather: once worker 1 has failed the gather is done, gathered.cancel() cancels nothing, and
the program waits for worker 2 to finish its 30 s of work.

Rejected by: labkit's timeout sent
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


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
tasks = [loop.create_task(worker(1, 0.5, 0.1, fails=True), name="worker 1"),
         loop.create_task(worker(2, 30, CLEANUP_2), name="worker 2")]
gathered = asyncio.gather(*tasks)
try:
    loop.run_until_complete(gathered)
except BaseException:
    print("main: stopping, cancelling the tasks", flush=True)
    gathered.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    gathered.exception()
    raise
finally:
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    print("main: loop closed", flush=True)

"""programs35/restart_fixed.py with one change: the two cleanups take different times (0.1 s
and 0.5 s) instead of the same 0.2 s.

Used by notebook 03: a gather without return_exceptions=True is done as soon as its first child
ends cancelled, so run_until_complete(gathered) returns while worker 2 is still cleaning up, and
the loop is closed under it ("Task was destroyed but it is pending!").
"""
import asyncio
import contextlib


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
gathered = asyncio.gather(
    loop.create_task(worker(1, seconds=1, cleanup_seconds=0.1), name="worker 1"),
    loop.create_task(worker(2, seconds=2, cleanup_seconds=0.5), name="worker 2"),
)
try:
    loop.run_until_complete(gathered)
except KeyboardInterrupt:
    print("main: caught KeyboardInterrupt, cancelling the gather", flush=True)
    gathered.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        loop.run_until_complete(gathered)
    print("main: run_until_complete(gathered) returned", flush=True)
    raise  # the cleanup is done: end as interrupted
finally:
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    print("main: loop closed", flush=True)

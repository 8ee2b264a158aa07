"""The project's first fix of the restart recipe (scenarios/02b_restart_loop_fixed.py), ending
as interrupted: after the cleanup it lets the KeyboardInterrupt go on (exit status -2; notebook
02 shows why a program stopped by Ctrl+C should), where 02b exits 0. Both cleanups take 0.2 s.

Used by notebook 03: it runs the loop again until the cancelled gather is done, and here every
check passes. programs35/restart_uneven.py is the same program with uneven cleanups.
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
    loop.create_task(worker(1, seconds=1, cleanup_seconds=0.2), name="worker 1"),
    loop.create_task(worker(2, seconds=2, cleanup_seconds=0.2), name="worker 2"),
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

"""Naive cleanup again, but now each worker has try/finally cleanup code.

Pattern: same as 01a (cancel, then close the loop without running it again); the
workers wrap their work in try/except/finally, and the cleanup itself awaits
(as real cleanup does: closing a connection, flushing a file).

Source: 001_d7e435d829fba1a9.txt, the question; the try/finally in the workers is
this project's addition, to show what happens to cleanup code under that recipe.
Same modernisation as 01a (async def/await, asyncio.ensure_future, shorter sleeps).

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: no "cleanup" line appears while the loop is alive (none before
"main: loop closed").  The finally blocks do start later, when the pending tasks are
garbage-collected as the interpreter exits: the coroutine receives GeneratorExit
(not CancelledError), prints "cleanup started", and its await fails with
"RuntimeError: no running event loop" (stderr: "Exception ignored in: <coroutine
object worker ...>"), so "cleanup done" never prints.  Plus "Task was destroyed but
it is pending!" per task.  Exit code 0.
3.12 and 3.13 also print "DeprecationWarning: There is no current event loop" for
the module-level get_event_loop(); 3.11.7 does not.
"""
import asyncio

PLAN = ["INT@0.5"]


async def worker(n, seconds):
    print(f"worker {n}: started, sleeping {seconds} s", flush=True)
    try:
        await asyncio.sleep(seconds)
        print(f"worker {n}: finished", flush=True)
    except BaseException as exc:
        print(f"worker {n}: got {type(exc).__name__}", flush=True)
        raise
    finally:
        print(f"worker {n}: cleanup started", flush=True)
        await asyncio.sleep(0.1)  # e.g. close a connection
        print(f"worker {n}: cleanup done", flush=True)


if __name__ == "__main__":
    loop = asyncio.get_event_loop()
    tasks = [
        asyncio.ensure_future(worker(1, seconds=1)),
        asyncio.ensure_future(worker(2, seconds=2)),
    ]
    try:
        loop.run_until_complete(asyncio.gather(*tasks))
    except KeyboardInterrupt:
        print("main: caught KeyboardInterrupt, cancelling tasks", flush=True)
        for t in tasks:
            t.cancel()
    finally:
        loop.close()
        print("main: loop closed", flush=True)

"""Restart the loop after Ctrl+C so that the cancellation can happen (as written).

Pattern: gathered = asyncio.gather(...); run_until_complete(gathered); on
KeyboardInterrupt: gathered.cancel(), loop.run_forever(), gathered.exception().
The answer claims run_forever() returns by itself as soon as the gather is
cancelled, because the interrupted run_until_complete left a "stop the loop" done
callback on it, and that exception() only silences a warning.

Source: 001_d7e435d829fba1a9.txt, answer by dano.

Changed from the source, only so that it runs on Python 3.11+:
- `@asyncio.coroutine` + `yield from` -> `async def` + `await`;
- `asyncio.async(...)` -> `asyncio.ensure_future(...)`;
- sleeps of 5 s and 10 s shortened to 1 s and 2 s;
- own names and prints (the workers' finally prints "cleanup ran"; progress lines
  around run_forever() and close() are added).

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: the claim no longer holds.  run_until_complete() removes its
stop callback in a `finally` when it is interrupted, so after the cancel the
tasks do get cancelled (both print "cleanup ran") but run_forever() never
returns: the program hangs (the driver kills it).  A second Ctrl+C escapes from
run_forever() with a KeyboardInterrupt traceback (exit code -2), and since
exception() was never reached, stderr also shows "_GatheringFuture exception was
never retrieved" (3.11/3.12; 3.13 fails to log it at shutdown: "--- Logging error
---").  The exception() call itself is sound: a cancelled gather ends *finished
with* CancelledError (gathered.cancelled() is False), so exception() returns it.
3.12 and 3.13 also print "DeprecationWarning: There is no current event loop" for
the module-level get_event_loop(); 3.11.7 does not.
"""
import asyncio

PLAN = ["INT@0.5"]


async def worker(n, seconds):
    print(f"worker {n}: started, sleeping {seconds} s", flush=True)
    try:
        await asyncio.sleep(seconds)
    finally:
        print(f"worker {n}: cleanup ran", flush=True)


if __name__ == "__main__":
    loop = asyncio.get_event_loop()
    gathered = asyncio.gather(
        asyncio.ensure_future(worker(1, seconds=1)),
        asyncio.ensure_future(worker(2, seconds=2)),
    )
    try:
        loop.run_until_complete(gathered)
    except KeyboardInterrupt:
        print("main: caught KeyboardInterrupt, cancelling the gather", flush=True)
        gathered.cancel()
        print("main: running the loop again with run_forever()", flush=True)
        loop.run_forever()
        print("main: run_forever() returned", flush=True)
        gathered.exception()
    finally:
        loop.close()
        print("main: loop closed", flush=True)

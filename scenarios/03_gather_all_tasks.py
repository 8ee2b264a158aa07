"""Cancel *every* task after Ctrl+C: gather(all_tasks, return_exceptions=True).

Pattern: run_until_complete(amain(loop)); on KeyboardInterrupt install a quiet
exception handler (hides CancelledError reports), gather all tasks of the loop with
return_exceptions=True, add a done callback that stops the loop, cancel the gather,
and run_forever() until it is done; finally shutdown_asyncgens() and close().
amain spawns workers with try/finally cleanup and leaves an async generator
suspended at a `yield` (kept in a module-level list, so only shutdown_asyncgens()
can finalize it).

Source: 001_d7e435d829fba1a9.txt, answer by ntninja (the loop-based code block).

Changed from the source, only so that it runs on Python 3.11+:
- `asyncio.Task.all_tasks(loop=loop)` -> `asyncio.all_tasks(loop)` (the classmethod
  was removed in 3.9);
- `loop=loop` removed from `asyncio.gather(...)` (the parameter was removed in 3.10);
- the handler's `if` condition spans two lines without parentheses, a SyntaxError
  in the source: wrapped in parentheses.
Own names and prints: the shutdown message is reworded and "all tasks done" /
"loop closed" lines are added.  `amain(loop)` is not shown in the answer; the one
here is the project's.

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: "graceful shutdown" message, then "cleanup" lines from both
workers AND from amain itself (all_tasks() includes the interrupted main task),
then "ticker: cleanup" from shutdown_asyncgens(); exit code 0 (the KeyboardInterrupt
is swallowed and sys.exit is never reached).  Without the interrupt amain returns 0.
The quiet exception handler is not cosmetic: with it removed, the same run logs
"_GatheringFuture exception was never retrieved" for amain's inner gather (3.11,
3.12; on 3.13 that late log fails with "--- Logging error ---").  A second Ctrl+C
during the cleanup escapes run_forever() with KeyboardInterrupt (exit code -2),
skipping the rest of the workers' cleanup.
3.12 and 3.13 also print "DeprecationWarning: There is no current event loop" for
the module-level get_event_loop(); 3.11.7 does not.
"""
import asyncio
import sys

PLAN = ["INT@0.5"]
open_streams = []  # keeps the async generator alive until shutdown_asyncgens()


async def ticker():
    try:
        n = 0
        while True:
            yield n
            n += 1
    finally:
        print("ticker: cleanup ran (async generator finalized)", flush=True)


async def worker(n, seconds):
    print(f"worker {n}: started", flush=True)
    try:
        await asyncio.sleep(seconds)
    finally:
        print(f"worker {n}: cleanup started", flush=True)
        await asyncio.sleep(0.2)
        print(f"worker {n}: cleanup done", flush=True)


async def amain(loop):
    stream = ticker()
    open_streams.append(stream)
    print(f"amain: first tick {await stream.__anext__()}", flush=True)
    try:
        await asyncio.gather(worker(1, 1), worker(2, 2))
        return 0
    finally:
        print("amain: cleanup ran", flush=True)


loop = asyncio.get_event_loop()
try:
    sys.exit(loop.run_until_complete(amain(loop)))
except KeyboardInterrupt:
    print("main: attempting graceful shutdown, press Ctrl+C again to exit", flush=True)

    def shutdown_exception_handler(loop, context):
        if ("exception" not in context
                or not isinstance(context["exception"], asyncio.CancelledError)):
            loop.default_exception_handler(context)
    loop.set_exception_handler(shutdown_exception_handler)

    tasks = asyncio.gather(*asyncio.all_tasks(loop), return_exceptions=True)
    tasks.add_done_callback(lambda t: loop.stop())
    tasks.cancel()

    while not tasks.done() and not loop.is_closed():
        loop.run_forever()
    print("main: all tasks done", flush=True)
finally:
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    print("main: loop closed", flush=True)

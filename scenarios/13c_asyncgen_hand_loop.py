"""An unfinished async generator under a hand-driven loop closed without shutdown_asyncgens.

Pattern: a loop from new_event_loop(); run_until_complete(main task); on
KeyboardInterrupt cancel the task and run it to the end (its own finally runs);
then loop.close() - but no loop.shutdown_asyncgens().  The generator that main
broke out of is freed when main ends; the loop's finalizer hook queues an
aclose() call that the loop never gets to run.

Source: 001_d7e435d829fba1a9.txt, ntninja's answer (which does call
shutdown_asyncgens; this shows what leaving it out costs); code is the project's.

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: "main: cleanup done", "loop closed", and no "ticks: cleanup"
line at all: the generator's finally is lost.  3.11 and 3.12 say nothing; 3.13
prints "RuntimeWarning: coroutine method 'aclose' of 'ticks' was never awaited".
Exit code 0.  (Without Ctrl+C, every version also prints "Task was destroyed but it
is pending!" for the queued aclose task.)
"""
import asyncio
import contextlib

PLAN = ["INT@0.5"]


async def ticks():
    n = 0
    try:
        while True:
            yield n
            n += 1
            await asyncio.sleep(0.1)
    finally:
        print(f"ticks: cleanup started after {n} ticks", flush=True)
        await asyncio.sleep(0.1)
        print("ticks: cleanup done", flush=True)


async def main():
    stream = ticks()
    try:
        async for n in stream:
            print(f"main: tick {n}", flush=True)
            if n == 1:
                break
        await asyncio.sleep(2)
    finally:
        print("main: cleanup done", flush=True)


loop = asyncio.new_event_loop()
task = loop.create_task(main())
try:
    loop.run_until_complete(task)
except KeyboardInterrupt:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        loop.run_until_complete(task)
finally:
    loop.close()  # no loop.shutdown_asyncgens() before this
    print("loop closed (without shutdown_asyncgens)", flush=True)

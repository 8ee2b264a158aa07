"""Article fix 3 as written: a shutdown(loop, tasks) helper called on KeyboardInterrupt.

Pattern: tasks = [task1(), task2()]; run_until_complete(gather(*tasks)); on
KeyboardInterrupt: shutdown(loop, tasks), which calls task.cancel() on each,
run_until_complete(gather(*tasks, return_exceptions=True)) and loop.stop();
finally loop.close().

Source: 002_9284ce0e341267b1.txt, "Graceful Shutdown".

Changed from the source: own names and prints (a "started" line per task added);
nothing else - the 2 s and 4 s sleeps are kept.

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: `tasks` holds coroutine objects, not Tasks (gather wrapped them
in Tasks it did not give back), so shutdown() fails at once with
"AttributeError: 'coroutine' object has no attribute 'cancel'", raised while
handling the KeyboardInterrupt; the loop is closed with the two real Tasks still
pending.  Their finally blocks run only at interpreter exit, after "loop closed",
when the coroutines are garbage-collected (GeneratorExit).  No "Task was destroyed
but it is pending!": gather() turns that warning off for tasks it creates from
coroutines.  Traceback with both exceptions, exit code 1.
With the list holding real Tasks (loop.create_task(...), a one-line change), the
shutdown does work - both cleanups run, exit 0 - but the first, interrupted
gather is then logged as "_GatheringFuture exception was never retrieved" (3.11,
3.12; a "--- Logging error ---" on 3.13), and the trailing loop.stop() is
pointless (the loop is not running).  Without the interrupt: 4 s, exit 0.
3.12 and 3.13 also print "DeprecationWarning: There is no current event loop" for
the module-level get_event_loop(); 3.11.7 does not.
"""
import asyncio

PLAN = ["INT@0.5"]


async def task1():
    print("task 1: started (2 s)", flush=True)
    try:
        await asyncio.sleep(2)
        print("task 1: completed", flush=True)
    finally:
        print("task 1: cleanup ran", flush=True)


async def task2():
    print("task 2: started (4 s)", flush=True)
    try:
        await asyncio.sleep(4)
        print("task 2: completed", flush=True)
    finally:
        print("task 2: cleanup ran", flush=True)


def shutdown(loop, tasks):
    print("shutdown: cancelling tasks", flush=True)
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    loop.stop()


loop = asyncio.get_event_loop()
tasks = [task1(), task2()]
try:
    loop.run_until_complete(asyncio.gather(*tasks))
except KeyboardInterrupt:
    shutdown(loop, tasks)
finally:
    loop.close()
    print("loop closed", flush=True)

"""The callback recipe of 10a with a second task to cancel: is it cleaned up?

Pattern: as 10a (module-level get_event_loop, done callback that cancels all
other tasks, run_until_complete(gather(first_task)), close), plus a second, slower
task whose cleanup awaits (e.g. closes a connection).

Source: 003_1351bb792a58378d.txt, section "Code", with one task added by the project.

Interrupt plan: none: it ends by itself after 1 s.

What to observe: the callback cancels the slow task, and run_until_complete
returns right after the first task, because it only waits for the gather of the
first task.  The slow task starts its cleanup but the loop is closed before the
cleanup's await finishes: no "slow: cleanup done"; at exit "Task was destroyed but
it is pending!" for the slow task.  Exit code 0.
3.12 and 3.13 also print "DeprecationWarning: There is no current event loop" for
the module-level get_event_loop(); 3.11.7 does not.
"""
import asyncio

PLAN = []


async def fast():
    print("fast: started (1 s)", flush=True)
    await asyncio.sleep(1)
    print("fast: finished", flush=True)


async def slow():
    print("slow: started (3 s)", flush=True)
    try:
        await asyncio.sleep(3)
    finally:
        print("slow: cleanup started", flush=True)
        await asyncio.sleep(0.1)  # e.g. close a connection
        print("slow: cleanup done", flush=True)


loop = asyncio.get_event_loop()
first = loop.create_task(fast())
loop.create_task(slow())


def on_done(future):
    for t in asyncio.all_tasks(loop):
        if t is not future:
            t.cancel()
            print(f"callback: cancelled {t.get_coro().__name__}", flush=True)


first.add_done_callback(on_done)

try:
    loop.run_until_complete(asyncio.gather(first))
finally:
    loop.close()
    print("main: loop closed", flush=True)

"""Article fix 1 (scenarios/11c_fix1_manual_loop.py), with main made one of two ways.

`python close_stopped_loop.py coro` runs `loop.run_until_complete(main())`, as the article
does: run_until_complete wraps the coroutine in a task of its own. `... task` makes the task
first with `loop.create_task(main())` and runs that. Either way Ctrl+C stops the loop while
main's task is pending, and `loop.close()` succeeds: a stopped loop may be closed.

Used by notebook 04: what differs is what Python says when the pending task is destroyed. A
task that run_until_complete() (or gather()) made from a coroutine has that warning switched
off; a task made with create_task() is reported: "Task was destroyed but it is pending!".
"""
import asyncio
import sys


async def main():
    print("main: started", flush=True)
    try:
        await asyncio.sleep(1)
        print("main: task completed", flush=True)
    finally:
        print("main: cleanup done", flush=True)


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
try:
    if sys.argv[1:] == ["task"]:
        loop.run_until_complete(loop.create_task(main()))
    else:
        loop.run_until_complete(main())
finally:
    loop.close()
    print("loop closed", flush=True)

"""A fire-and-forget task nobody references is garbage-collected while pending.

Pattern: asyncio.create_task(listen()) without keeping the returned Task.  The
loop holds tasks only weakly; a task waiting on a future that only it can reach
(here: an Event it created itself - think of a reply that will never come) is
unreachable, and the next garbage collection destroys it mid-await.

Source: the project's (the create_task documentation warns about this; the
question in 001_d7e435d829fba1a9.txt shows the same "Task was destroyed but it is
pending!" message for a different reason).

Interrupt plan: none: it ends by itself after about 0.5 s.

What to observe: at "main: gc.collect()" the task is destroyed mid-await.  Its
cleanup runs at that moment, under GeneratorExit instead of CancelledError
("listener: cleanup started (GeneratorExit)"); the `await` in the cleanup makes
the closing coroutine yield, so stderr gets "Exception ignored in: <coroutine
object listen ...>" / "RuntimeError: coroutine ignored GeneratorExit", then "Task
was destroyed but it is pending!".  "cleanup done" never prints.  main goes on as
if nothing happened; exit code 0.
"""
import asyncio
import gc

PLAN = []


async def listen():
    print("listener: started, waiting for a reply", flush=True)
    reply = asyncio.Event()  # only this task can reach it
    try:
        await reply.wait()
    except BaseException as exc:
        print(f"listener: cleanup started ({type(exc).__name__})", flush=True)
        await asyncio.sleep(0.1)
        print("listener: cleanup done", flush=True)
        raise


async def main():
    asyncio.create_task(listen())  # the Task object is dropped at once
    await asyncio.sleep(0.2)
    print("main: gc.collect()", flush=True)
    gc.collect()
    await asyncio.sleep(0.3)
    print("main: returning", flush=True)


if __name__ == "__main__":
    asyncio.run(main())

"""Stop the other tasks when one completes: a TaskGroup and a custom exception.

Pattern: inside `async with asyncio.TaskGroup()`, the task that gets the answer
raises FoundIt(answer).  The TaskGroup cancels its other tasks, waits for their
cleanup, and raises an ExceptionGroup; `except* FoundIt` takes the answer out.
(TaskGroup has no cancel() method before 3.15 - the exception is the way out.)

Source: the project's, as the modern answer to 003_1351bb792a58378d.txt.

Interrupt plan: none: it ends by itself after about 1.2 s.

What to observe: mirror A raises FoundIt; B and C are cancelled and finish their
cleanup ("cleanup done") before main prints "main: answer from A"; exit code 0,
nothing on stderr.
"""
import asyncio

PLAN = []


class FoundIt(Exception):
    pass


async def fetch(name, seconds):
    print(f"mirror {name}: started ({seconds} s)", flush=True)
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        print(f"mirror {name}: cancelled, cleanup started", flush=True)
        await asyncio.sleep(0.2)
        print(f"mirror {name}: cleanup done", flush=True)
        raise
    print(f"mirror {name}: finished, stopping the others", flush=True)
    raise FoundIt(name)


async def main():
    try:
        async with asyncio.TaskGroup() as group:
            for name, seconds in (("A", 1), ("B", 2), ("C", 3)):
                group.create_task(fetch(name, seconds))
    except* FoundIt as found:
        print(f"main: answer from {found.exceptions[0]}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())

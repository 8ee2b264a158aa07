"""An unfinished async generator under asyncio.run: shutdown_asyncgens() finalizes it.

Pattern: main reads two items from an async generator with a finally block,
breaks out of `async for` (which does NOT close an async generator), and goes on
working.  The generator object is still referenced (here from a module-level
registry), so it is still suspended at its `yield` when the program ends.
asyncio.run calls loop.shutdown_asyncgens() at the end, which runs aclose() on
it - its finally runs on the loop, and its cleanup can await.

Source: 001_d7e435d829fba1a9.txt, answer by ntninja ("Add call to
loop.shutdown_asyncgens to avoid memory leaks by asynchronous generators that
weren't fully used"); the code is the project's.

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: "main: cleanup done" first, then "ticks: cleanup started" and
"ticks: cleanup done" (from shutdown_asyncgens, after the tasks were cancelled),
then the KeyboardInterrupt traceback, exit code -2.  The same without Ctrl+C.
"""
import asyncio

PLAN = ["INT@0.5"]
open_streams = []


async def ticks():
    n = 0
    try:
        while True:
            yield n
            n += 1
            await asyncio.sleep(0.1)
    finally:
        print(f"ticks: cleanup started after {n} ticks", flush=True)
        await asyncio.sleep(0.1)  # e.g. close the cursor
        print("ticks: cleanup done", flush=True)


async def main():
    stream = ticks()
    open_streams.append(stream)
    try:
        async for n in stream:
            print(f"main: tick {n}", flush=True)
            if n == 1:
                break  # leaves the generator suspended, not closed
        print("main: working 2 s", flush=True)
        await asyncio.sleep(2)
    finally:
        print("main: cleanup done", flush=True)


if __name__ == "__main__":
    asyncio.run(main())

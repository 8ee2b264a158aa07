"""The fix for unfinished async generators: contextlib.aclosing (3.10+).

Pattern: `async with contextlib.aclosing(ticks()) as stream: async for ...:
break` - leaving the block awaits stream.aclose(), so the generator's finally
runs right there, inside main, whatever loop runs it and whether or not anyone
calls shutdown_asyncgens().  Same hand-driven loop as 13c (no shutdown_asyncgens).

Source: the project's fix for 13b/13c.

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: "ticks: cleanup started" / "ticks: cleanup done" at ~0.2 s, right
after the break and before main goes on working; then after Ctrl+C "main: cleanup
done" and "loop closed"; nothing on stderr, exit code 0, on all three versions.
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
    try:
        async with contextlib.aclosing(ticks()) as stream:
            async for n in stream:
                print(f"main: tick {n}", flush=True)
                if n == 1:
                    break
        print("main: generator closed, working 2 s", flush=True)
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
    loop.close()  # still no shutdown_asyncgens(): not needed any more
    print("loop closed (without shutdown_asyncgens)", flush=True)

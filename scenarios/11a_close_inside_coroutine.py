"""'RuntimeError: Cannot close a running event loop', reproduced from inside a coroutine.

Pattern: a coroutine decides the program is done and calls loop.close() on the
loop it is running in (a common first attempt at "shut everything down now").

Source: 002_9284ce0e341267b1.txt, "Understanding the Asyncio RuntimeError"; the
code is the project's.

Interrupt plan: none: main tries to close the loop 0.5 s after it starts.

What to observe: "RuntimeError: Cannot close a running event loop" raised at the
close() call, inside main; the exception ends main, asyncio.run then cancels the
still-running worker (its cleanup runs) and re-raises the RuntimeError: traceback,
exit code 1.  The loop is closed afterwards by asyncio.run, not by the call.
"""
import asyncio

PLAN = []


async def worker():
    print("worker: started", flush=True)
    try:
        await asyncio.sleep(2)
    finally:
        print("worker: cleanup done", flush=True)


async def main():
    task = asyncio.create_task(worker())
    await asyncio.sleep(0.5)
    print("main: all done, closing the loop myself", flush=True)
    try:
        asyncio.get_running_loop().close()
    finally:
        print(f"main: cleanup ran (task still running: {not task.done()})", flush=True)


if __name__ == "__main__":
    asyncio.run(main())

"""'Cannot close a running event loop' from another thread: a watchdog gives up on the program.

A watchdog thread decides after 0.3 s that the program has run long enough and calls
`loop.close()` on the loop the main thread is running. close() checks only one thing,
`loop.is_running()`, whoever calls it: the watchdog gets the same RuntimeError as a coroutine
inside the loop, and the loop carries on. (Another thread must not touch a loop directly
anyway: `loop.call_soon_threadsafe(...)` is the way to ask it for something.)

Used by notebook 04.
"""
import asyncio
import threading
import time


def watchdog(loop):
    time.sleep(0.3)
    print(f"watchdog: the loop is running: {loop.is_running()}; calling loop.close()",
          flush=True)
    try:
        loop.close()
    except RuntimeError as exc:
        print(f"watchdog: RuntimeError: {exc}", flush=True)


async def main():
    loop = asyncio.get_running_loop()
    threading.Thread(target=watchdog, args=(loop,), name="watchdog").start()
    try:
        await asyncio.sleep(0.8)
        print("main: work finished", flush=True)
    finally:
        print("main: cleanup done", flush=True)


if __name__ == "__main__":
    asyncio.run(main())

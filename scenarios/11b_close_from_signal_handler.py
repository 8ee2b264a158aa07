"""'Cannot close a running event loop' from a signal handler: Ctrl+C seems ignored.

Pattern: loop.add_signal_handler(SIGINT, close_loop) where close_loop() calls
loop.close() - "on Ctrl+C, close the loop".  The handler runs as a callback inside
the running loop, so close() raises.

Source: 002_9284ce0e341267b1.txt ("improper cleanup ... misunderstandings of the
event loop's lifecycle"); the code is the project's.

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: the RuntimeError does not stop anything: asyncio logs it on
stderr ("Exception in callback ..." / "RuntimeError: Cannot close a running event
loop") and the loop carries on, so main runs to its normal end at 2 s: "main:
finished", "main: cleanup done", exit code 0.  Ctrl+C looks ignored.
"""
import asyncio
import signal

PLAN = ["INT@0.5"]


async def main():
    loop = asyncio.get_running_loop()

    def close_loop():
        print("handler: SIGINT, calling loop.close()", flush=True)
        loop.close()

    loop.add_signal_handler(signal.SIGINT, close_loop)
    print("main: working 2 s", flush=True)
    try:
        await asyncio.sleep(2)
        print("main: finished", flush=True)
    finally:
        print("main: cleanup done", flush=True)


if __name__ == "__main__":
    asyncio.run(main())

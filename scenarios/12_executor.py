"""Ctrl+C while a blocking call runs in the default executor (a thread).

Pattern: `await loop.run_in_executor(None, time.sleep, 3)` under asyncio.run,
interrupted by SIGINT.  Threads cannot be cancelled: cancelling the awaiting task
only stops *waiting*; the thread keeps sleeping, and asyncio.run's final
shutdown_default_executor() waits for it before the KeyboardInterrupt comes out.

Source: 001_d7e435d829fba1a9.txt (dcoles: asyncio.run cleans up on
KeyboardInterrupt); the code is the project's.

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: main is cancelled at once (~0.5 s: "main: cancelled while
waiting for the thread", "main: cleanup done"), but "asyncio.run: returned/raised"
and the exit (code -2, KeyboardInterrupt traceback) come only at ~3 s, when
time.sleep(3) in the worker thread returns.
"""
import asyncio
import time

PLAN = ["INT@0.5"]
T0 = time.monotonic()


def stamp():
    return f"{time.monotonic() - T0:.1f} s"


async def main():
    loop = asyncio.get_running_loop()
    print(f"main: started at {stamp()}, running time.sleep(3) in the executor", flush=True)
    try:
        await loop.run_in_executor(None, time.sleep, 3)
        print(f"main: executor call returned at {stamp()}", flush=True)
    except asyncio.CancelledError:
        print(f"main: cancelled while waiting for the thread at {stamp()}", flush=True)
        raise
    finally:
        print(f"main: cleanup done at {stamp()}", flush=True)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    finally:
        print(f"asyncio.run: returned/raised at {stamp()}", flush=True)

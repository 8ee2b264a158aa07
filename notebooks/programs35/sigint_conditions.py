"""When asyncio.run takes over Ctrl+C, and when it does not.

asyncio.run (asyncio.Runner.run) installs its own SIGINT handler only in the main thread, and
only if the handler in place is still Python's default (`signal.default_int_handler`, which
raises KeyboardInterrupt). When run() returns, it puts the default back (if its own handler is
still the one in place). `python sigint_conditions.py MODE` shows one case each:

- `main-thread`: asyncio.run in the main thread: its handler cancels main on Ctrl+C.
- `own-handler`: the program installs a SIGINT handler of its own first: asyncio.run leaves it
  alone, so Ctrl+C only calls that handler and main is not cancelled.
- `other-thread`: asyncio.run in a thread that is not the main thread: no handler is installed;
  Ctrl+C raises KeyboardInterrupt in the main thread (here waiting for the other thread), and the
  loop in the other thread is never told: main runs to its end, and Python waits for it at exit.
- `after-run`: asyncio.run has returned: the default handler is back, and a Ctrl+C during the
  plain `time.sleep()` that follows raises KeyboardInterrupt there.

Used by notebook 05, with a Ctrl+C 0.5 s after the first loop starts.
"""
import asyncio
import signal
import sys
import threading
import time


def sigint_handler():
    handler = signal.getsignal(signal.SIGINT)
    if handler is signal.default_int_handler:
        return "Python's default (raises KeyboardInterrupt)"
    func = getattr(handler, "func", handler)  # asyncio.run's is a functools.partial
    return getattr(func, "__qualname__", repr(handler))


async def main(seconds):
    where = threading.current_thread().name
    print(f"main: in {where}; SIGINT handler: {sigint_handler()}", flush=True)
    try:
        await asyncio.sleep(seconds)
        print("main: finished its work", flush=True)
    except asyncio.CancelledError:
        print("main: cancelled", flush=True)
        raise


def own_handler(signum, frame):
    print("own handler: Ctrl+C", flush=True)


mode = sys.argv[1] if len(sys.argv) > 1 else "main-thread"
if mode == "own-handler":
    signal.signal(signal.SIGINT, own_handler)
    asyncio.run(main(1))
elif mode == "other-thread":
    thread = threading.Thread(target=asyncio.run, args=(main(1),), name="other-thread")
    thread.start()
    try:
        while thread.is_alive():
            time.sleep(0.05)
    finally:
        print("main thread: KeyboardInterrupt, leaving", flush=True)
elif mode == "after-run":
    asyncio.run(main(0.2))
    print(f"after asyncio.run: SIGINT handler: {sigint_handler()}", flush=True)
    time.sleep(1)
    print("after asyncio.run: slept 1 s", flush=True)
else:
    asyncio.run(main(1))

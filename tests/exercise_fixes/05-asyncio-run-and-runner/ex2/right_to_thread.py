"""Right: `asyncio.to_thread()` runs the copy in the default executor too; main sets
the event only when it is cancelled, then lets the CancelledError go on.

"""
import asyncio
import os
import threading
import time

# The check runs this program more than once, once without Ctrl+C and only 5 files: it
# sets FILES in the environment. Keep this line as it is.
FILES = int(os.environ.get("FILES", "20"))


def copy_files(stop):
    """Copy the files, 0.1 s each. Runs in a thread of the default executor."""
    for n in range(FILES):
        if stop.is_set():  # checked between two files: a clean place to stop
            print(f"copy: stopped after {n} files", flush=True)
            return
        time.sleep(0.1)  # copy one file
    print(f"copy: all {FILES} files copied", flush=True)


async def main():
    stop = threading.Event()
    try:
        await asyncio.to_thread(copy_files, stop)
    except asyncio.CancelledError:
        stop.set()
        raise
    finally:
        print("main: cleanup done", flush=True)


asyncio.run(main())

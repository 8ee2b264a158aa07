"""Right: the thread waits on the event instead of sleeping (`stop.wait(0.1)` returns
True as soon as it is set), so it stops at once, not only between two files; main prints its
line before it sets the event, so that the two lines are not printed at the same moment.

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
        if stop.wait(0.1):  # copy one file; True at once if main asks to stop
            print(f"copy: stopped during file {n + 1}", flush=True)
            return
    print(f"copy: all {FILES} files copied", flush=True)


async def main():
    stop = threading.Event()
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(None, copy_files, stop)
    finally:
        # print first: the thread answers the event at once, and two threads printing at
        # the same moment can mix their lines (print writes the text and the newline apart)
        print("main: cleanup done", flush=True)
        stop.set()  # the thread cannot be cancelled: ask it to stop


asyncio.run(main())

"""Wrong: the thread checks the event only once, before the first file, when nobody
has pressed Ctrl+C yet: it never sees the request.

Rejected by: 'copy: stopped' was never printed
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
    if stop.is_set():
        print("copy: stopped before the first file", flush=True)
        return
    for n in range(FILES):
        time.sleep(0.1)  # copy one file
    print(f"copy: all {FILES} files copied", flush=True)


async def main():
    stop = threading.Event()  # not used yet
    loop = asyncio.get_running_loop()
    try:
        await loop.run_in_executor(None, copy_files, stop)
    finally:
        stop.set()
        print("main: cleanup done", flush=True)


asyncio.run(main())

"""Wrong: runs the copy in a daemon thread, which Python does not wait for at exit: the
program ends at once, killing the copy in the middle of a file.

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
    for n in range(FILES):
        time.sleep(0.1)  # copy one file
    print(f"copy: all {FILES} files copied", flush=True)


async def main():
    stop = threading.Event()  # not used yet
    loop = asyncio.get_running_loop()
    done = asyncio.Event()

    def copy():
        copy_files(stop)
        loop.call_soon_threadsafe(done.set)

    threading.Thread(target=copy, daemon=True).start()  # Python does not wait for it
    try:
        await done.wait()
    finally:
        print("main: cleanup done", flush=True)


asyncio.run(main())

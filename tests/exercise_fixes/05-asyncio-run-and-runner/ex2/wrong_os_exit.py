"""Wrong: since the thread cannot be stopped, main ends the process with `os._exit(130)`
in its finally: after a Ctrl+C the status is right, but the copy is killed in the middle of a
file and never says where it stopped (and a run without Ctrl+C exits 130 too).

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
    try:
        await loop.run_in_executor(None, copy_files, stop)
    finally:
        print("main: cleanup done", flush=True)
        os._exit(130)  # do not wait for the thread


asyncio.run(main())

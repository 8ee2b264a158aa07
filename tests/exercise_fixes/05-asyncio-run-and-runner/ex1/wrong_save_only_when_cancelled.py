"""Wrong: saves (with Ctrl+C turned into a message) only in `except CancelledError`:
a job that ends by itself never saves its results.

Rejected by: 'worker: results saved' was never printed
"""
import asyncio
import os
import signal

# The check runs this program more than once, once without Ctrl+C and a short job: it
# sets WORK in the environment. Keep this line as it is.
WORK = float(os.environ.get("WORK", "3"))


async def save_results():
    print("worker: saving the results (1 s; cut short, the file is lost)", flush=True)
    await asyncio.sleep(1)  # write the results file
    print("worker: results saved", flush=True)


def still_saving(signum, frame):
    print("Ctrl+C again: still saving the results, please wait", flush=True)


async def worker():
    try:
        await asyncio.sleep(WORK)  # the job
    except asyncio.CancelledError:
        signal.signal(signal.SIGINT, still_saving)
        await save_results()
        raise


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())

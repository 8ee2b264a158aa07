"""Wrong: ignores SIGINT for the whole program (`signal.SIG_IGN` before
asyncio.run): asyncio.run then installs no handler of its own, so no Ctrl+C stops the job at all.

Rejected by: (limit 2 s)
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


async def worker():
    try:
        await asyncio.sleep(WORK)  # the job
    finally:
        await save_results()


async def main():
    await asyncio.create_task(worker(), name="worker")


signal.signal(signal.SIGINT, signal.SIG_IGN)  # no Ctrl+C can cut the saving now
asyncio.run(main())

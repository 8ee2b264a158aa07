"""Wrong: catches the CancelledError that cuts the saving short and saves again. That
survives a second Ctrl+C, but after it asyncio.run has put Python's default handler back, so a
third Ctrl+C raises KeyboardInterrupt in the middle of asyncio.run's shutdown.

Rejected by: 'worker: results saved' was never printed
"""
import asyncio
import os

# The check runs this program more than once, once without Ctrl+C and a short job: it
# sets WORK in the environment. Keep this line as it is.
WORK = float(os.environ.get("WORK", "3"))


async def save_results():
    print("worker: saving the results (1 s; cut short, the file is lost)", flush=True)
    try:
        await asyncio.sleep(1)  # write the results file
    except asyncio.CancelledError:
        print("worker: saving cut short, saving again", flush=True)
        await asyncio.sleep(1)
    print("worker: results saved", flush=True)


async def worker():
    try:
        await asyncio.sleep(WORK)  # the job
    finally:
        await save_results()


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())

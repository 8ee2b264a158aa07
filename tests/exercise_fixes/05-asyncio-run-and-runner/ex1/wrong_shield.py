"""Wrong: shields the saving with `asyncio.shield()`. The second Ctrl+C raises
KeyboardInterrupt at once, and asyncio.run's shutdown cancels every task of the loop, the one
shield() made for the saving included.

Rejected by: 'worker: results saved' was never printed
"""
import asyncio
import os

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
        await asyncio.shield(save_results())


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())

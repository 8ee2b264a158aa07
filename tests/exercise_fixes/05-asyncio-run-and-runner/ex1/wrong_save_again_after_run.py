"""Wrong: when asyncio.run raises KeyboardInterrupt, saves again with a second
`asyncio.run(save_results())`: the results are saved, but by a new task on a new loop, not by the
worker that was cut short, and the program then exits with status 0.

Rejected by: not by worker
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
        await save_results()


async def main():
    await asyncio.create_task(worker(), name="worker")


try:
    asyncio.run(main())
except KeyboardInterrupt:
    asyncio.run(save_results())  # the worker's saving was cut short: do it again

"""Right: ignores SIGINT (`signal.SIG_IGN`) while the results are saved, and puts
asyncio.run's handler back afterwards; the KeyboardInterrupt of the first Ctrl+C still comes out
of asyncio.run at the end.

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
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            await save_results()
        finally:
            signal.signal(signal.SIGINT, previous)


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())

"""Right: when the saving starts, the worker hands SIGINT to the loop with
`loop.add_signal_handler`, which only prints a line; asyncio.run raises KeyboardInterrupt after
the saving, and closing the loop gives SIGINT back to Python's default handler.

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
        asyncio.get_running_loop().add_signal_handler(
            signal.SIGINT, print, "Ctrl+C again: still saving the results, please wait")
        await save_results()


async def main():
    await asyncio.create_task(worker(), name="worker")


asyncio.run(main())

"""asyncio.Runner (3.11+) and one Ctrl+C, plus one more coroutine on the same loop.

Pattern: `with asyncio.Runner() as runner: runner.run(main())`.  Runner.run
installs the same SIGINT handler as asyncio.run (first Ctrl+C cancels the main
task).  Because the loop stays open until the `with` block ends, the program can
catch the KeyboardInterrupt and run a final async step, runner.run(flush()),
before the runner cancels the leftovers and closes the loop.

Source: 001_d7e435d829fba1a9.txt (dcoles: asyncio.run); asyncio.Runner is its
3.11 building block.  The code is the project's.

Interrupt plan: SIGINT at 0.5 s after the loop starts (one Ctrl+C).

What to observe: worker 1 and main clean up, then "flush: cleanup done" runs on
the same loop, then at the end of the `with` block the background worker 2 is
cancelled and cleans up.  The KeyboardInterrupt is re-raised: exit code -2.
"""
import asyncio

PLAN = ["INT@0.5"]
background = set()


async def worker(n, seconds):
    print(f"worker {n}: started", flush=True)
    try:
        await asyncio.sleep(seconds)
    finally:
        print(f"worker {n}: cleanup started", flush=True)
        await asyncio.sleep(0.3)
        print(f"worker {n}: cleanup done", flush=True)


async def main():
    print("main: started", flush=True)
    task = asyncio.create_task(worker(2, 2.5))
    background.add(task)
    task.add_done_callback(background.discard)
    try:
        await worker(1, 2)
    finally:
        print("main: cleanup ran", flush=True)


async def flush():
    await asyncio.sleep(0.2)
    print("flush: cleanup done (ran after the KeyboardInterrupt)", flush=True)


if __name__ == "__main__":
    with asyncio.Runner() as runner:
        try:
            runner.run(main())
        except KeyboardInterrupt:
            print("runner: KeyboardInterrupt; running flush() on the same loop", flush=True)
            runner.run(flush())
            raise

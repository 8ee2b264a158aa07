"""asyncio.Runner (3.11+) and two Ctrl+C, the second during a slow cleanup.

Pattern: as 05b, but with `with asyncio.Runner() as runner: runner.run(main())`.

Source: 001_d7e435d829fba1a9.txt (dcoles: asyncio.run); the code is the project's.

Interrupt plan: SIGINT at 0.5 s, second SIGINT at 1.0 s (during worker 1's cleanup).

What to observe: the same as with asyncio.run (05b): the second Ctrl+C raises
KeyboardInterrupt out of runner.run() at once; leaving the `with` block
(Runner.close) cancels the remaining tasks, which cuts worker 1's cleanup short,
while the background worker 2 cleans up completely.  Exit code -2.
"""
import asyncio

PLAN = ["INT@0.5", "INT@1.0"]
background = set()


async def worker(n, seconds):
    print(f"worker {n}: started", flush=True)
    try:
        await asyncio.sleep(seconds)
    finally:
        print(f"worker {n}: cleanup started", flush=True)
        try:
            await asyncio.sleep(1)  # slow cleanup
            print(f"worker {n}: cleanup done", flush=True)
        except asyncio.CancelledError:
            print(f"worker {n}: cleanup interrupted by CancelledError", flush=True)
            raise


async def main():
    print("main: started", flush=True)
    task = asyncio.create_task(worker(2, 3))
    background.add(task)
    task.add_done_callback(background.discard)
    try:
        await worker(1, 2)
    finally:
        print("main: cleanup ran", flush=True)


if __name__ == "__main__":
    with asyncio.Runner() as runner:
        try:
            runner.run(main())
        finally:
            print("runner: run() left; closing the runner", flush=True)

"""asyncio.run() and two Ctrl+C: the second one arrives while cleanup is running.

Pattern: as in 05a (main awaits worker 1, worker 2 runs in the background), but
every cleanup is slow (1 s), and a second SIGINT comes during the first cleanup.

Source: 001_d7e435d829fba1a9.txt (dcoles: asyncio.run; ntninja: "press Ctrl+C
again to exit"); the code is the project's.

Interrupt plan: SIGINT at 0.5 s, second SIGINT at 1.0 s (during worker 1's cleanup).

What to observe: the first Ctrl+C cancels main (worker 1 starts its cleanup).  The
second Ctrl+C raises KeyboardInterrupt inside the loop at once; asyncio.run then
cancels every remaining task, which includes worker 1 *in the middle of its
cleanup*: worker 1 prints "cleanup interrupted by CancelledError", never "cleanup
done".  Main's own (non-awaiting) finally still runs.  Worker 2, still working
normally when the second Ctrl+C came, is cancelled at shutdown and its cleanup
completes, because no third Ctrl+C comes.  Exit code -2, one KeyboardInterrupt
traceback (no CancelledError in it, unlike 05a).
"""
import asyncio

PLAN = ["INT@0.5", "INT@1.0"]
background = set()


async def worker(n, seconds):
    print(f"worker {n}: started", flush=True)
    try:
        await asyncio.sleep(seconds)
        print(f"worker {n}: finished", flush=True)
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
    asyncio.run(main())

"""asyncio.run() and one Ctrl+C: what gets cancelled, in which order, and the exit.

Pattern: asyncio.run(main()); main awaits worker 1 and keeps worker 2 running in
the background (a reference is kept in a set).  Every coroutine has try/finally
cleanup that awaits.

Source: 001_d7e435d829fba1a9.txt, answer by dcoles ("use asyncio.run, which
cancels all tasks when main exits, including due to a KeyboardInterrupt"); the
code is the project's.

Interrupt plan: SIGINT at 0.5 s after the loop starts (one Ctrl+C).

What to observe: on 3.11+ asyncio.run's own SIGINT handler cancels only the main
task; main's await passes the cancellation on to worker 1, so worker 1 and then
main clean up first.  The background worker 2 is cancelled afterwards by
asyncio.run's shutdown.  All cleanups finish ("cleanup done"), then asyncio.run
raises KeyboardInterrupt: a traceback and exit code -2 (killed by SIGINT).
"""
import asyncio

PLAN = ["INT@0.5"]
background = set()


async def worker(n, seconds):
    print(f"worker {n}: started", flush=True)
    try:
        await asyncio.sleep(seconds)
        print(f"worker {n}: finished", flush=True)
    except asyncio.CancelledError:
        print(f"worker {n}: cancelled", flush=True)
        raise
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
    except asyncio.CancelledError:
        print("main: cancelled", flush=True)
        raise
    finally:
        print("main: cleanup done", flush=True)


if __name__ == "__main__":
    asyncio.run(main())

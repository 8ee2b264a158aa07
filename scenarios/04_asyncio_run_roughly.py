"""The "roughly analogous to asyncio.run" function from the Q&A, used for real.

Pattern: a hand-written run(): get_event_loop(), run_until_complete(coro); finally
gather all_tasks(loop) with return_exceptions=True, cancel the gather, run it to
the end (suppressing CancelledError), shutdown_asyncgens(), close().

Source: 001_d7e435d829fba1a9.txt, answer by dcoles (the `run` sketch).

Changed from the source: the function is renamed rough_run (so it is not mistaken
for asyncio.run) and prints a line after loop.close(); nothing else in its body.
main() is the project's: two workers with try/finally cleanup that awaits, and
one unfinished async generator.

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: the KeyboardInterrupt leaves run_until_complete first; only then
does the finally cancel every task (main included), so the "cleanup" lines print
after the interrupt, the generator is finalized by shutdown_asyncgens(), and the
KeyboardInterrupt then ends the program (traceback, exit code -2).  Version
differences: get_event_loop() warns "There is no current event loop" on 3.12 and
3.13 but not on 3.11.  Unlike the real asyncio.run, this sketch does not shut down
the default executor and leaves the closed loop set as the current loop.
"""
import asyncio
import contextlib

PLAN = ["INT@0.5"]


def rough_run(coro, *, debug=False):
    loop = asyncio.get_event_loop()
    try:
        loop.set_debug(debug)
        return loop.run_until_complete(coro)
    finally:
        try:
            all_tasks = asyncio.gather(*asyncio.all_tasks(loop), return_exceptions=True)
            all_tasks.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(all_tasks)
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
            print("rough_run: loop closed", flush=True)


async def ticker():
    try:
        while True:
            yield
    finally:
        print("ticker: cleanup ran", flush=True)


async def worker(n, seconds):
    print(f"worker {n}: started", flush=True)
    try:
        await asyncio.sleep(seconds)
    finally:
        print(f"worker {n}: cleanup started", flush=True)
        await asyncio.sleep(0.2)
        print(f"worker {n}: cleanup done", flush=True)


async def main():
    stream = ticker()
    await stream.__anext__()
    try:
        await asyncio.gather(worker(1, 1), worker(2, 2))
    finally:
        print("main: cleanup ran", flush=True)


if __name__ == "__main__":
    rough_run(main())

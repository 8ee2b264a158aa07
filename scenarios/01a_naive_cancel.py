"""Naive cleanup: cancel the tasks after Ctrl+C, then close the loop at once.

Pattern: loop.run_until_complete(asyncio.gather(*tasks)); on KeyboardInterrupt call
t.cancel() on every task; finally loop.close().  The cancel() calls only *request*
cancellation: nothing runs the loop again, so the tasks never see it.

Source: 001_d7e435d829fba1a9.txt, the question (Nick Chammas), "Here's what I tried".

Changed from the source, only so that it runs on Python 3.11+:
- `@asyncio.coroutine` + `yield from` -> `async def` + `await` (the decorator was
  removed in 3.11);
- `asyncio.async(...)` -> `asyncio.ensure_future(...)` (`async` is a keyword since 3.7,
  so the original line is a SyntaxError);
- sleeps of 5 s and 10 s shortened to 1 s and 2 s so the script ends quickly;
- own names and prints (a "finished" line and a "loop closed" line added).
Everything else (module-level get_event_loop(), ensure_future before the loop runs,
gather, cancel, close) is as in the question.

Interrupt plan: SIGINT at 0.5 s after the loop starts (Ctrl+C while both sleep).

What to observe: "main: caught KeyboardInterrupt" and "main: loop closed", exit code 0,
and then on stderr, as the interpreter exits, "Task was destroyed but it is pending!"
once per task.  Without the interrupt both workers finish after 2 s.
3.12 and 3.13 also print "DeprecationWarning: There is no current event loop" for
the module-level get_event_loop(); 3.11.7 does not.
"""
import asyncio

PLAN = ["INT@0.5"]


async def worker(n, seconds):
    print(f"worker {n}: started, sleeping {seconds} s", flush=True)
    await asyncio.sleep(seconds)
    print(f"worker {n}: finished", flush=True)


if __name__ == "__main__":
    loop = asyncio.get_event_loop()
    tasks = [
        asyncio.ensure_future(worker(1, seconds=1)),
        asyncio.ensure_future(worker(2, seconds=2)),
    ]
    try:
        loop.run_until_complete(asyncio.gather(*tasks))
    except KeyboardInterrupt:
        print("main: caught KeyboardInterrupt, cancelling tasks", flush=True)
        for t in tasks:
            t.cancel()
    finally:
        loop.close()
        print("main: loop closed", flush=True)

"""The 'except Exception' cleanup of 09e under Ctrl+C: it never runs.

Pattern: as 09e, but the risky operation takes 2 s, and SIGINT arrives first.
asyncio.run cancels main with CancelledError, which is a BaseException (since
3.8), so `except Exception` does not see it; a `finally` does.

Source: 000_4a9d0e210ebf8b54.txt, section "Handling Exceptions in Asynchronous
Tasks" (the 2 s wait before raising and the finally block are the project's).

Interrupt plan: SIGINT at 0.5 s after the loop starts.

What to observe: no "cleanup in the except block" line, only "main: cleanup done
(in finally)"; KeyboardInterrupt traceback, exit code -2.  The tutorial's
advice to "ensure resources are cleaned up" in the except block is wrong for
interruption: put cleanup in finally / async with.
"""
import asyncio

PLAN = ["INT@0.5"]


async def risky_operation():
    print("risky_operation: started (2 s)", flush=True)
    await asyncio.sleep(2)
    raise Exception("something broke")


async def main():
    try:
        await risky_operation()
    except Exception as e:
        print(f"main: error caught: {e}", flush=True)
        print("main: cleanup in the except block", flush=True)
    finally:
        print("main: cleanup done (in finally)", flush=True)


asyncio.run(main())

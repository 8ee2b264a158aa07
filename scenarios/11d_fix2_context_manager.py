"""Article fix 2 as written: `with asyncio.get_event_loop() as loop:`.

Pattern: the article says get_event_loop() is a context manager that closes the
loop when the block exits.

Source: 002_9284ce0e341267b1.txt, "Using Context Managers".

Changed from the source: own names and prints; nothing else.

Interrupt plan: none.

What to observe: event loops are not context managers.  The `with` statement
fails before its body runs: TypeError "... object does not support the context
manager protocol", exit code 1; main() is never run, so nothing is printed on
stdout.  On 3.12/3.13 the get_event_loop() call first warns "There is no current
event loop".
"""
import asyncio

PLAN = []


async def main():
    print("main: started", flush=True)
    await asyncio.sleep(1)
    print("main: task completed", flush=True)


with asyncio.get_event_loop() as loop:
    loop.run_until_complete(main())

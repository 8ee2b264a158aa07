"""Article fix 1 as written: new_event_loop, run_until_complete, finally close.

Pattern: loop = asyncio.new_event_loop(); set_event_loop(loop); try:
run_until_complete(main()) finally: loop.close().

Source: 002_9284ce0e341267b1.txt, "Manual Event Loop Management".

Changed from the source: own names and prints (a "started" line added);
nothing else - it runs as written.

Interrupt plan: SIGINT at 0.5 s after the loop starts (main sleeps 1 s).

What to observe: without an interrupt this is fine (and has nothing to do with the
error: the loop is closed after it stopped).  With Ctrl+C, KeyboardInterrupt
leaves run_until_complete and close() succeeds with main's task still pending.
Main's finally runs only later, when the abandoned coroutine is garbage-collected
at exit (GeneratorExit, after "loop closed"); an `await` there would fail.  No
"Task was destroyed but it is pending!": run_until_complete() turns that warning
off for the task it creates from a coroutine.  KeyboardInterrupt traceback, exit
code -2.
"""
import asyncio

PLAN = ["INT@0.5"]


async def main():
    print("main: started", flush=True)
    try:
        await asyncio.sleep(1)
        print("main: task completed", flush=True)
    finally:
        print("main: cleanup done", flush=True)


loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
try:
    loop.run_until_complete(main())
finally:
    loop.close()
    print("loop closed", flush=True)

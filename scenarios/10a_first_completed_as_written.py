"""'Cancel all other tasks when one completes', the callback recipe as written.

Pattern: module-level loop = asyncio.get_event_loop(); one task created with
loop.create_task(); a done callback that cancels every other task in
asyncio.all_tasks(loop); run_until_complete(asyncio.gather(task)); close().

Source: 003_1351bb792a58378d.txt, section "Code".

Changed from the source: own names and prints (a "started" line was added so the
run is visible); nothing else - it parses and runs on 3.11+ as it is.

Interrupt plan: none: it ends by itself after 2 s.

What to observe: "job: cleanup ran" and "callback: ... cancelled 0 other task(s)":
there is only one task, and by the time the done callback runs it is no longer
in all_tasks() (only unfinished tasks are listed), so the recipe cancels nothing
and shows nothing about stopping other tasks.  Exit code 0.  get_event_loop() at
module level warns "There is no current event loop" on 3.12/3.13, not on 3.11.
See 10b for what happens when there *is* another task.
"""
import asyncio


PLAN = []


async def job():
    print("job: started, working 2 s", flush=True)
    try:
        await asyncio.sleep(2)
    finally:
        print("job: cleanup ran", flush=True)


loop = asyncio.get_event_loop()
task = loop.create_task(job())


def on_done(future):
    others = [t for t in asyncio.all_tasks(loop) if t is not future]
    for t in others:
        t.cancel()
    print(f"callback: job completed, cancelled {len(others)} other task(s)", flush=True)


task.add_done_callback(on_done)

try:
    loop.run_until_complete(asyncio.gather(task))
finally:
    loop.close()
    print("main: loop closed", flush=True)

"""Fire-and-forget done right: keep a strong reference until the task is done.

Pattern: background_tasks = set(); task = create_task(...);
background_tasks.add(task); task.add_done_callback(background_tasks.discard).
The set keeps the task alive through garbage collection; at the end asyncio.run
cancels it properly (CancelledError), so its cleanup can await.

Source: the project's (the pattern recommended by the create_task documentation).

Interrupt plan: none: it ends by itself after about 0.5 s.

What to observe: after gc.collect() the task is still alive ("task alive after
gc: True"); when main returns, asyncio.run cancels it: "listener: cleanup started
(CancelledError)" and "listener: cleanup done"; nothing on stderr, exit code 0.
"""
import asyncio
import gc

PLAN = []
background_tasks = set()


async def listen():
    print("listener: started, waiting for a reply", flush=True)
    reply = asyncio.Event()
    try:
        await reply.wait()
    except BaseException as exc:
        print(f"listener: cleanup started ({type(exc).__name__})", flush=True)
        await asyncio.sleep(0.1)
        print("listener: cleanup done", flush=True)
        raise


async def main():
    task = asyncio.create_task(listen())
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)
    del task  # main forgets it; the set does not
    await asyncio.sleep(0.2)
    print("main: gc.collect()", flush=True)
    gc.collect()
    print(f"main: task alive after gc: {len(background_tasks) == 1}", flush=True)
    await asyncio.sleep(0.3)
    print("main: returning", flush=True)


if __name__ == "__main__":
    asyncio.run(main())

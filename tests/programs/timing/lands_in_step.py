"""No asyncio.run: Python's own SIGINT handler raises KeyboardInterrupt wherever the main
thread is. Here it is either inside the task's step (the task then ends with it) or in the
loop's own code between steps (the task is still pending): a matter of where the time goes."""
import asyncio

loop = asyncio.new_event_loop()


async def work():
    print("main: ready", flush=True)
    try:
        while True:
            for _ in range(2000):
                pass
            await asyncio.sleep(0)
    finally:
        print("work: finally", flush=True)


task = loop.create_task(work(), name="work")
try:
    loop.run_until_complete(task)
except KeyboardInterrupt:
    print(f"main: KeyboardInterrupt; the task is done: {task.done()}", flush=True)

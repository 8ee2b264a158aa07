"""A loop made by hand, run until SIGTERM calls loop.stop itself, then cleaned up, on the loop
argv[1] names: "uvloop" (uvloop.new_event_loop) or "asyncio" (asyncio.new_event_loop)."""
import asyncio
import signal
import sys


async def tick():
    try:
        while True:
            await asyncio.sleep(0.05)
    finally:
        print("tick: cleanup ran", flush=True)


if sys.argv[1] == "asyncio":
    loop = asyncio.new_event_loop()
else:
    import uvloop

    loop = uvloop.new_event_loop()
print(f"loop: {type(loop).__module__.partition('.')[0]}", flush=True)
loop.add_signal_handler(signal.SIGTERM, loop.stop)
task = loop.create_task(tick(), name="tick")
loop.call_soon(lambda: print("ready", flush=True))
loop.run_forever()
print("stopped", flush=True)
task.cancel()
loop.run_until_complete(asyncio.gather(task, return_exceptions=True))
loop.run_until_complete(loop.shutdown_asyncgens())
loop.close()
print("closed", flush=True)

"""A service that shuts down on SIGTERM (loop.add_signal_handler), on the loop argv[1] names:
"uvloop" (uvloop.run) or "asyncio" (asyncio.run). A task of its own that never gets cancelled
is left for asyncio.run's shutdown to cancel."""
import asyncio
import signal
import sys


async def serve(n):
    try:
        while True:
            await asyncio.sleep(0.05)
    except asyncio.CancelledError:
        print(f"server {n}: cancelled, closing", flush=True)
        await asyncio.sleep(0.02)
        print(f"server {n}: closed", flush=True)
        raise


async def main():
    stop = asyncio.Event()

    def on_sigterm():
        print("SIGTERM: shutting down", flush=True)
        stop.set()

    loop = asyncio.get_running_loop()
    print(f"loop: {type(loop).__module__.partition('.')[0]}", flush=True)
    loop.add_signal_handler(signal.SIGTERM, on_sigterm)
    servers = [asyncio.create_task(serve(n), name=f"server-{n}") for n in range(2)]
    asyncio.create_task(serve(9), name="left-behind")
    print("ready", flush=True)
    await stop.wait()
    results = []
    for server in servers:  # one at a time: uvloop may run two same-instant timers either way
        server.cancel()
        results += await asyncio.gather(server, return_exceptions=True)
    print("servers:", [type(result).__name__ for result in results], flush=True)
    loop.remove_signal_handler(signal.SIGTERM)


if sys.argv[1] == "asyncio":
    asyncio.run(main())
else:
    import uvloop

    uvloop.run(main())

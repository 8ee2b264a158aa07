"""The tutorial's exception-handling recipe as written: try/except Exception around an await.

Pattern: risky_operation() raises Exception; main awaits it inside
`try: ... except Exception as e:` and does "any additional cleanup" in the
except block.

Source: 000_4a9d0e210ebf8b54.txt, section "Handling Exceptions in Asynchronous
Tasks".

Changed from the source: own names and prints; nothing else.

Interrupt plan: none: it ends by itself at once.

What to observe: "main: error caught: ..." and "main: cleanup done", exit code 0.
It works for an ordinary exception; 09f shows the same block does nothing for an
interruption.
"""
import asyncio

PLAN = []


async def risky_operation():
    print("risky_operation: started", flush=True)
    raise Exception("something broke")


async def main():
    try:
        await risky_operation()
    except Exception as e:
        print(f"main: error caught: {e}", flush=True)
        print("main: cleanup done (in the except block)", flush=True)


asyncio.run(main())

"""Notebook 02's exit-status demo: a program that cleans up after a Ctrl+C, then ends in one of
three ways, chosen by its argument:

    exit-0       catches the KeyboardInterrupt and ends normally: exit status 0
    let-it-out   lets the KeyboardInterrupt go on after the cleanup: Python then ends by SIGINT
                 (exit status -2 as subprocess reports it, 130 in a shell)
    exit-130     calls sys.exit(130), the shell's code for "stopped by Ctrl+C"

Notebook 02 runs it twice from a bash loop and sends SIGINT to the loop's process group, as a
terminal does on Ctrl+C, to show which of the three makes bash stop too.
"""
import sys
import time

how = sys.argv[1]
print(f"working ({how})", flush=True)
try:
    time.sleep(10)  # the work: the Ctrl+C comes in the middle of it
except KeyboardInterrupt:
    print("cleanup done", flush=True)
    if how == "let-it-out":
        raise
    if how == "exit-130":
        sys.exit(130)

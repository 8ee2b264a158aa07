"""Writes bytes that are not UTF-8."""
import sys

sys.stdout.buffer.write(b"caf\xe9 \xff\xfe end\n")
sys.stdout.flush()
print("fine line")

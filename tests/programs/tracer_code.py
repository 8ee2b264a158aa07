"""Says whether the tracer's modules came compiled from the runner's file (labkit.bytecode)."""
import sys

loaders = [module.__spec__.loader for name, module in sorted(sys.modules.items())
           if name.split(".")[0] == "_labkit_tracer"]
ahead = [getattr(loader, "code", None) is not None for loader in loaders]
if not loaders:
    print("not traced")
else:
    print("compiled ahead:", "all" if all(ahead) else "some" if any(ahead) else "none")

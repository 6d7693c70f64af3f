import gc
import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).with_name("app.py")), run_name="__main__")
if not getattr(gc, "_probe_frozen", False):
    gc.freeze()
    gc._probe_frozen = True

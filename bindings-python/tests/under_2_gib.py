"""Runs a script in a child Python whose address space is limited to 2 GiB: an input
that makes the process abort (a Rust allocation failure is SIGABRT) fails the test
instead of killing pytest. Used by test_boundary.py and test_tickets_limits.py."""

import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest

# Before the script: the limit, `import estatekit`, the dict `out` that the child prints
# and `attempt(name, f)`, which stores ["ok", f()] or the typed error as [code, path]
# (and its message with `messages`).
PREAMBLE = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
import estatekit
out = {}
def attempt(name, f):
    try:
        out[name] = ["ok", f()]
    except estatekit.EstateKitError as e:
        out[name] = [e.code, e.path] + ([str(e)] if MESSAGES else [])
"""


def run_under_2_gib(script: str, *, timeout: int, messages: bool = True) -> dict[str, Any]:
    """`out` of `script` (dedented) run after the preamble, once the child has exited
    with 0; skips the test off Linux, where RLIMIT_AS is not enforced."""
    if not sys.platform.startswith("linux"):
        pytest.skip("RLIMIT_AS is enforced on Linux")
    source = f"MESSAGES = {messages}\n{PREAMBLE}{textwrap.dedent(script)}\nprint(json.dumps(out))\n"
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    out: dict[str, Any] = json.loads(done.stdout)
    return out

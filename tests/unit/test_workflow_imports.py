"""The workflows function runs on python3.13 from the zip built for the others' python3.12: it must import only
pure Python. pydantic's core, rapidfuzz and PyStemmer are compiled extensions built for 3.12; importing them there
would fail at its first cold start (bot/workflows/handler.py)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPILED_FOR_312 = ("pydantic", "pydantic_core", "pydantic_settings", "rapidfuzz", "Stemmer", "slack_bolt",
                    "bot.settings", "bot.worker", "bot.lex")

PROBE = """
import json, sys
import bot.workflows.handler
print(json.dumps(sorted(sys.modules)))
"""


def test_the_workflows_function_imports_no_compiled_extension_of_the_zip() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={"PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=60, check=True)
    modules = json.loads(result.stdout.strip().splitlines()[-1])
    assert [name for name in modules if name.startswith(COMPILED_FOR_312)] == []
    assert "aws_durable_execution_sdk_python" in modules and "intents.access" in modules

"""FastAPI's OpenTelemetry follows the setting ``telemetry``: with a tracer provider
configured, a request makes a span only when it is on."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent("""
    import sys
    from contextlib import contextmanager
    from opentelemetry import trace
    from fastapi.testclient import TestClient
    from service.api import create_app
    from service.settings import Settings

    spans = []

    class Tracer(trace.NoOpTracer):
        def start_span(self, name, *args, **kwargs):
            spans.append(name)
            return super().start_span(name, *args, **kwargs)

        @contextmanager
        def start_as_current_span(self, name, *args, **kwargs):
            spans.append(name)
            yield trace.INVALID_SPAN

    class Provider(trace.TracerProvider):  # not a no-op one: FastAPI skips those
        def get_tracer(self, *args, **kwargs):
            return Tracer()

    trace.set_tracer_provider(Provider())
    app = create_app(Settings(store=sys.argv[1], telemetry=sys.argv[2] == "on"))
    assert TestClient(app).get("/health").status_code == 200
    print(len(spans))
""")


@pytest.mark.parametrize("setting", ["on", "off"])
def test_spans_follow_the_setting(tmp_path: Path, setting: str) -> None:
    # a process of its own: a tracer provider is set once per process
    done = subprocess.run([sys.executable, "-c", SCRIPT, f"sqlite:///{tmp_path / 'a.db'}",
                           setting], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    spans = int(done.stdout.strip().splitlines()[-1])
    assert (spans > 0) == (setting == "on"), spans

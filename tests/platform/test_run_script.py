"""`make run` (scripts/run.sh), run for real on free ports with an empty centre: it announces
the address only once the web app answers, and Ctrl-C (SIGINT to its process group, as the
terminal sends it) stops the web app, the worker and the scheduler before redis, with no Python
traceback and no FAB filter warning."""
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_announces_when_answering_and_ctrl_c_stops_in_order(tmp_path):
    port, redis_port = _free_port(), _free_port()
    env = dict(os.environ, VENV=str(Path(sys.executable).parent.parent), PORT=str(port),
               REDIS_PORT=str(redis_port), WEB_WORKERS="1", DEMO="0",
               DATABASE_URL=f"sqlite:///{tmp_path}/run.db")
    env.pop("REDIS_URL", None)
    log = tmp_path / "out.log"
    with open(log, "w") as out:
        script = subprocess.Popen(
            ["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, like a terminal's foreground job
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for _ in range(1200):
            if "Tessera is running" in log.read_text() or script.poll() is not None:
                break
            time.sleep(0.1)
        assert f"Tessera is running at http://127.0.0.1:{port}/" in log.read_text(), \
            log.read_text()[-3000:]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as answer:
            assert answer.status == 200
    finally:
        os.killpg(script.pid, signal.SIGINT)  # what Ctrl-C does
        assert script.wait(timeout=90) == 130
    output = log.read_text()
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output[-3000:]
    assert "Filter type not supported" not in output
    redis_stops = output.index("Received SIGTERM")
    for line in ("Shutting down: Master", "CronScheduler tessera-cron: shutdown complete",
                 "warm shut down requested", "unsubscribing from channel"):
        assert 0 <= output.index(line) < redis_stops, line
    assert output.rstrip().endswith("Tessera stopped.")

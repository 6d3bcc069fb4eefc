"""Start a real Bolt server (ArcadeDB with its Bolt plugin) on loopback for the tests."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

READY_LINE = "ArcadeDB Server started"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class BoltServer:
    uri: str
    user: str
    password: str
    database: str
    process: subprocess.Popen[bytes] | None
    root: Path | None
    log: Path | None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_arcadedb(timeout: float = 60.0, heap: str = "512m") -> BoltServer:
    """ArcadeDB's Bolt server on loopback; ``heap``: the JVM's maximum (a transaction is
    held in memory until it commits: a national import in one unit of work needs more)."""
    import arcadedb_embedded

    pkg = Path(arcadedb_embedded.__file__).parent
    java = pkg / "jre" / "bin" / "java"
    root = Path(tempfile.mkdtemp(prefix="maillage-arcadedb-"))
    password = secrets.token_hex(12)
    bolt_port, http_port = free_port(), free_port()
    log = root / "server.log"
    cmd = [
        str(java), f"-Xmx{heap}", "-cp", f"{pkg / 'jars'}/*",
        f"-Darcadedb.server.rootPath={root}",
        f"-Darcadedb.server.rootPassword={password}",
        f"-Darcadedb.server.defaultDatabases=neo4j[root:{password}:admin]",
        "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        "-Darcadedb.bolt.host=127.0.0.1", f"-Darcadedb.bolt.port={bolt_port}",
        "-Darcadedb.server.httpIncomingHost=127.0.0.1",
        f"-Darcadedb.server.httpIncomingPort={http_port}",
        "com.arcadedb.server.ArcadeDBServer",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT)
    server = BoltServer(f"bolt://127.0.0.1:{bolt_port}", "root", password, "neo4j",
                        process, root, log)
    deadline = time.monotonic() + timeout
    # The Bolt port opens before the database exists: wait for the log line instead.
    while time.monotonic() < deadline:
        if READY_LINE in log.read_text(errors="replace"):
            return server
        if process.poll() is not None:
            break
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"ArcadeDB n'a pas démarré ; journal :\n{log.read_text(errors='replace')}")


def bolt_server() -> BoltServer:
    """The server of this test session: an external one if MAILLAGE_TEST_BOLT_URI is set."""
    uri = os.environ.get("MAILLAGE_TEST_BOLT_URI")
    if uri:
        return BoltServer(uri, os.environ.get("MAILLAGE_TEST_BOLT_USER", "neo4j"),
                          os.environ.get("MAILLAGE_TEST_BOLT_PASSWORD", ""),
                          os.environ.get("MAILLAGE_TEST_BOLT_DATABASE", "neo4j"),
                          None, None, None)
    return start_arcadedb()

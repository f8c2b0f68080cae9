"""What `make test` needs besides Python, checked before anything installs or runs.

    python tests/preflight.py [chromium] [postgres]     (no argument: both)

The browser tests drive Debian's chromium at /usr/bin/chromium; the PostgreSQL half of
the suite needs a server that lets PG_TEST_URL's user in (by default `postgres`, with no
password, on 127.0.0.1:5432). Each missing one is named, with what to do, and the exit
status is 1. Standard library only: it runs before the virtualenv exists.
"""
import os
import socket
import struct
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM = Path("/usr/bin/chromium")
DEFAULT_PG_TEST_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PROTOCOL_3 = 196608
AUTHENTICATION_OK = 0


def chromium_problem() -> str | None:
    if os.access(CHROMIUM, os.X_OK):
        return None
    return (f"Chromium: no browser at {CHROMIUM} for the browser tests. "
            "Install Debian's: `sudo apt-get install chromium`.")


def postgres_problem(url: str) -> str | None:
    """Open a session the way the suite will (PostgreSQL's startup message): None if the
    server lets the user in, else what went wrong."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    user = unquote(parts.username or "postgres")
    database = unquote(parts.path.lstrip("/")) or user
    where = f"PostgreSQL at {host}:{port} (PG_TEST_URL={url})"
    try:
        with socket.create_connection((host, port), timeout=5) as server:
            server.settimeout(5)
            body = struct.pack("!i", PROTOCOL_3) + b"".join(
                key + b"\0" + value.encode() + b"\0"
                for key, value in ((b"user", user), (b"database", database))) + b"\0"
            server.sendall(struct.pack("!i", len(body) + 4) + body)
            kind, reply = read_message(server)
            if kind == b"R" and struct.unpack("!i", reply[:4])[0] != AUTHENTICATION_OK:
                if parts.password is None:
                    return (f"{where}: the server asks {user} for a password. Let {user} in "
                            "without one from 127.0.0.1 (pg_hba.conf: trust), or put the "
                            "password in PG_TEST_URL.")
                return None  # the suite will give it the password
            # Let in: the server still checks the database, then says it is ready (Z).
            while kind not in (b"Z", b"E"):
                kind, reply = read_message(server)
            server.sendall(b"X" + struct.pack("!i", 4))
    except OSError as error:
        return (f"{where}: no server answers ({error}). Install or start it (Debian: "
                "`sudo apt-get install postgresql`, `sudo service postgresql start`), "
                "or set PG_TEST_URL to a server that runs.")
    if kind == b"E":  # an error: its fields are a type byte and a text each
        fields = {field[:1]: field[1:].decode(errors="replace")
                  for field in reply.split(b"\0") if field}
        return f"{where}: the server refuses: {fields.get(b'M', 'no reason given')}."
    return None


def read_message(server: socket.socket) -> tuple[bytes, bytes]:
    """One message from the server: its type byte and its body."""
    kind = receive(server, 1)
    length = struct.unpack("!i", receive(server, 4))[0]
    return kind, receive(server, length - 4)


def receive(server: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = server.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the server closed the connection")
        data += chunk
    return data


def main(needs: list[str]) -> int:
    needs = needs or ["chromium", "postgres"]
    checks = {"chromium": chromium_problem,
              "postgres": lambda: postgres_problem(
                  os.environ.get("PG_TEST_URL") or DEFAULT_PG_TEST_URL)}
    problems = [problem for need in needs if (problem := checks[need]())]
    for problem in problems:
        print(f"make test cannot run: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

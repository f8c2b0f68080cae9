"""`make test` names what it needs and is missing before it installs or runs anything."""
import socket
import struct
import threading
from pathlib import Path

from tests import preflight

ASK_FOR_SASL_PASSWORD = b"R" + struct.pack("!ii", 8, 10)


def a_port_nobody_listens_on() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def a_server_that_answers(reply: bytes) -> int:
    """A one-shot server on loopback that reads the startup message and sends `reply`."""
    listener = socket.create_server(("127.0.0.1", 0))

    def answer():
        with listener, listener.accept()[0] as connection:
            connection.recv(1024)
            connection.sendall(reply)

    threading.Thread(target=answer, daemon=True).start()
    return listener.getsockname()[1]


def test_a_missing_chromium_is_named_with_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(preflight, "CHROMIUM", tmp_path / "chromium")
    assert preflight.chromium_problem() == (
        f"Chromium: no browser at {tmp_path / 'chromium'} for the browser tests. "
        "Install Debian's: `sudo apt-get install chromium`.")


def test_debians_chromium_where_the_browser_tests_look_for_it_passes():
    assert preflight.CHROMIUM == Path("/usr/bin/chromium")
    assert preflight.chromium_problem() is None


def test_no_postgresql_server_is_named_with_the_address_tried():
    port = a_port_nobody_listens_on()
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    problem = preflight.postgres_problem(url)
    assert problem.startswith(f"PostgreSQL at 127.0.0.1:{port} (PG_TEST_URL={url}): "
                              "no server answers")


def test_a_server_that_wants_a_password_the_url_lacks_is_named():
    port = a_server_that_answers(ASK_FOR_SASL_PASSWORD)
    problem = preflight.postgres_problem(f"postgresql://postgres@127.0.0.1:{port}/postgres")
    assert "the server asks postgres for a password" in problem


def test_a_server_that_refuses_says_why():
    error = b"SFATAL\0C3D000\0Mdatabase \"nowhere\" does not exist\0\0"
    port = a_server_that_answers(b"E" + struct.pack("!i", len(error) + 4) + error)
    problem = preflight.postgres_problem(f"postgresql://postgres@127.0.0.1:{port}/nowhere")
    assert problem.endswith('the server refuses: database "nowhere" does not exist.')


def test_every_missing_need_is_named_and_the_check_fails(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(preflight, "CHROMIUM", tmp_path / "chromium")
    monkeypatch.setenv("PG_TEST_URL", f"postgresql://postgres@127.0.0.1:"
                                      f"{a_port_nobody_listens_on()}/postgres")
    assert preflight.main([]) == 1
    said = capsys.readouterr().err.splitlines()
    assert [line.split(":")[1].strip() for line in said] == ["Chromium", "PostgreSQL at 127.0.0.1"]


def test_a_server_that_lets_postgres_in_passes():
    authentication_ok = b"R" + struct.pack("!ii", 8, 0)
    ready_for_query = b"Z" + struct.pack("!i", 5) + b"I"
    port = a_server_that_answers(authentication_ok + ready_for_query)
    assert preflight.postgres_problem(f"postgresql://postgres@127.0.0.1:{port}/postgres") is None

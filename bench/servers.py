"""The servers the bench starts (gunicorn, stopped by their own pids), the requests it
sends them as a shopper or a staff user would, and the CPU their processes use."""
import http.client
import os
import re
import secrets
import signal
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

from provision import BIN, HOST

APP_PORT, FLOOR_PORT, RENDER_PORT = 8801, 8802, 8803
STAFF_EMAIL, STAFF_PASSWORD = "bench-staff@example.com", "bench-staff-password"
USER_AGENT = "bench"  # the same for sign-in and wrk: Flask-Login's strong session protection
WORKERS = 2


class Server:
    """A gunicorn we started, stopped by its own pid."""

    def __init__(self, name: str, app: str, port: int, cwd: Path, env: dict[str, str]):
        self.name, self.port = name, port
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log",
                                               delete=False)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"{HOST}:{port}",
             "--log-level", "warning", app],
            cwd=cwd, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{name} did not start: see {self.log.name}")
            try:
                get(port, "/", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"{name} did not answer within 60 s: see {self.log.name}")

    def pids(self) -> list[int]:
        """The master and its workers."""
        return [self.process.pid, *children(self.process.pid)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def get(port: int, path: str, cookie: str = "", timeout: float = 30):
    """GET without following redirects: (status, headers, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.headers, body


def post(port: int, path: str, form: dict[str, str], cookie: str):
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("POST", path, body=urllib.parse.urlencode(form),
                 headers={"User-Agent": USER_AGENT, "Cookie": cookie,
                          "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, response.headers


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def session_cookie(headers, cookie: str) -> str:
    """The session cookie a response set (Secure in production: we keep it by hand)."""
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("session="):
            return value.split(";", 1)[0]
    return cookie


def csrf_and_cookie(port: int, path: str, cookie: str = "") -> tuple[str, str]:
    status, headers, body = get(port, path, cookie)
    match = CSRF.search(body.decode())
    if status != 200 or not match:
        raise SystemExit(f"no CSRF token on {path} (status {status})")
    return match.group(1) or match.group(2), session_cookie(headers, cookie)


def cart_cookie(port: int, skus: list[str]) -> str:
    """A session whose cart holds one unit of each SKU, added as a shopper would."""
    cookie = ""
    for sku in skus:
        token, cookie = csrf_and_cookie(port, f"/products/{sku}", cookie)
        status, headers = post(port, f"/cart/add/{sku}", {"csrf_token": token, "quantity": "1"},
                               cookie)
        if status != 302:
            raise SystemExit(f"could not add {sku} to the cart (status {status})")
        cookie = session_cookie(headers, cookie)
    return cookie


def staff_cookie(port: int) -> str:
    token, cookie = csrf_and_cookie(port, "/admin/login")
    status, headers = post(port, "/admin/login", {"csrf_token": token, "email": STAFF_EMAIL,
                                                  "password": STAFF_PASSWORD}, cookie)
    if status != 302:
        raise SystemExit(f"staff sign-in failed (status {status})")
    return session_cookie(headers, cookie)


def app_env(url: str, page_cache: bool = True) -> dict[str, str]:
    return {"DATABASE_URL": url, "FLASK_ENV": "", "SECRET_KEY": secrets.token_hex(32),
            "RATELIMIT_STORAGE_URI": "memory://", "MAIL_SERVER": "",
            "PAGE_CACHE_SIZE": "4096" if page_cache else "0"}


# Processes and their CPU ------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_stat(pid: int | str) -> list[str]:
    """/proc/<pid>/stat from field 3 (state) on: [1] is the parent, [11] + [12] the CPU."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(proc_stat(entry.name)[1]) == parent:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = proc_stat(pid)
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            continue
    return total / CLOCK_TICKS



"""One sender per process: a commit that wrote an email wakes it, and a timer retries.

Emails are written to the outbox in the transaction of the change they tell of
(app/services/notifications.py queue). When that transaction commits, the session
wakes this process's sender thread, which sends the outbox at once: no other request
has to come along. A commit that rolls back wakes nothing. Every MAIL_RETRY_SECONDS
the sender also looks by itself, so an email whose send failed (SMTP down, a
database error) or that another process queued and could not send still goes out,
later, with no request at all. Claims in the outbox keep two senders from sending
one email twice. `flask send-mail` remains for sending by hand.

The thread starts with the first request or commit of each process (gunicorn forks
after the app is made, and a thread does not survive a fork).
"""
import logging
import os
import threading

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.services import notifications

log = logging.getLogger(__name__)
THREAD_NAME = "mail-sender"


class MailSender:
    def __init__(self, app: Flask):
        self.app = app
        self.enabled = app.config["MAIL_SENDER"]
        self.retry_seconds = app.config["MAIL_RETRY_SECONDS"]
        self.wakeup = threading.Event()
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        # A forked child (a gunicorn worker of a preloaded app) has no thread: it starts its own.
        os.register_at_fork(after_in_child=self._forget_thread)

    def _forget_thread(self) -> None:
        self.thread, self.lock = None, threading.Lock()

    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def ensure_running(self) -> None:
        if not self.enabled or self.running():
            return
        with self.lock:
            if self.running() or self.stopped.is_set():
                return
            self.thread = threading.Thread(target=self.run, name=THREAD_NAME, daemon=True)
            self.thread.start()
            self.wakeup.set()  # send what waits from before this process started

    def wake(self) -> None:
        """A commit wrote an email: send it now."""
        if self.enabled:
            self.ensure_running()
            self.wakeup.set()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.wakeup.wait(timeout=self.retry_seconds)
            # Cleared before sending: a wake from here on means another round.
            self.wakeup.clear()
            if self.stopped.is_set():
                break
            self.send()

    def send(self) -> None:
        from app.extensions import db

        with self.app.app_context():
            try:
                while not self.stopped.is_set():
                    sent, failed = notifications.send_due(wait_after_failure=True)
                    if sent + failed == 0:
                        break
            except Exception:  # noqa: BLE001 - the database unreachable, say: the timer retries
                log.exception("mail sender: could not send the outbox; trying again in %s s",
                              self.retry_seconds)
            finally:
                db.session.remove()

    def stop(self, timeout: float = 120) -> bool:
        """Stop the thread; True once it has ended (it first finishes the email it sends)."""
        self.stopped.set()
        self.wakeup.set()
        if self.thread is not None:
            self.thread.join(timeout=timeout)
        return not self.running()


def sender(app: Flask | None = None) -> MailSender:
    return (app or current_app).extensions["mail_sender"]


def init_app(app: Flask) -> None:
    app.extensions["mail_sender"] = MailSender(app)
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_rollback", _rolled_back)


def _committed(session: Session) -> None:
    if session.info.pop(notifications.PENDING, False) and has_app_context():
        found = current_app.extensions.get("mail_sender")
        if found is not None:
            found.wake()


def _rolled_back(session: Session) -> None:
    # The emails were rolled back with the change: nothing to send.
    session.info.pop(notifications.PENDING, None)

"""The floor: a bare Flask app serving a fixed page of a given size.

`gunicorn --chdir bench floor:app`, then GET /page/<bytes>. It does what every
request costs in this stack (gunicorn, WSGI, Flask routing, a response) and
nothing else: no database, no templates, no session. A page of the shop is
compared with this page at the same size.
"""
from functools import cache

from flask import Flask, Response

app = Flask(__name__)

MAX_BYTES = 1_000_000


@cache
def body(size: int) -> bytes:
    head = b"<!doctype html><html><head><title>Floor</title></head><body><p>"
    tail = b"</p></body></html>\n"
    return head + b"x" * max(0, size - len(head) - len(tail)) + tail


@app.get("/page/<int:size>")
def page(size: int) -> Response:
    size = min(size, MAX_BYTES)
    return Response(body(size), mimetype="text/html")

"""The task queue's configuration: which broker QUEUE_URL names, and the errors that say
what is missing."""
import pytest
from flask import Flask
from huey.storage import RedisStorage, SqliteStorage

from app.queue import AppQueue, TaskQueue, storage_for


@pytest.mark.parametrize("url, storage", [
    ("redis://10.0.0.5:6379/0", RedisStorage),
    ("rediss://user:pw@redis.example:6380/1", RedisStorage),
    ("unix:///run/redis.sock", RedisStorage),
])
def test_a_redis_url_names_redis(url, storage):
    assert type(storage_for(url, "shop")) is storage


def test_a_sqlite_url_names_a_file_whose_folder_is_made(tmp_path):
    filename = tmp_path / "instance" / "queue.sqlite3"
    made = storage_for(f"sqlite:///{filename}", "shop")
    assert (type(made), made.filename, made.name) == (SqliteStorage, str(filename), "shop")
    made.close()


@pytest.mark.parametrize("url", ["", "postgresql://db/shop", "sqlite://", "memory://"])
def test_any_other_url_is_refused_by_name(url):
    with pytest.raises(RuntimeError, match="QUEUE_URL must be redis://... or sqlite:///..."):
        storage_for(url, "shop")


def test_an_app_queue_opens_its_broker_on_first_use_only(tmp_path):
    filename = tmp_path / "queue.sqlite3"
    queue = AppQueue(f"sqlite:///{filename}", "shop", immediate=False)
    assert not filename.exists()
    assert queue.storage.queue_size() == 0
    assert filename.exists() and queue.storage is queue.storage
    queue.storage.close()


def test_an_immediate_app_queue_keeps_its_jobs_in_memory():
    queue = AppQueue("redis://nowhere.invalid:1/0", "shop", immediate=True)
    assert queue.storage.queue_size() == 0  # never connects to that Redis


def test_a_queue_with_no_app_says_how_to_give_it_one():
    queue = TaskQueue("unbound")
    with pytest.raises(RuntimeError, match="a worker runs app.worker.huey"):
        queue.storage


def test_a_queue_takes_its_broker_and_mode_from_the_app_in_use():
    queue = TaskQueue("per-app")
    immediate, later = Flask("immediate"), Flask("later")
    for app, on in ((immediate, True), (later, False)):
        app.config.update(QUEUE_URL="redis://127.0.0.1:1/0", QUEUE_NAME=app.name,
                          QUEUE_IMMEDIATE=on)
        queue.init_app(app)

    with immediate.app_context():
        assert (queue.immediate, queue.storage.name) == (True, "immediate")
    with later.app_context():
        assert (queue.immediate, queue.storage.name) == (False, "later")
    queue.serve(later)  # a worker: no app context in its threads
    assert queue.storage.name == "later"


def test_the_mode_is_the_apps_config_not_the_queues():
    with pytest.raises(AttributeError, match="QUEUE_IMMEDIATE"):
        TaskQueue("mode").immediate = True

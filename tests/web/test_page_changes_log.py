"""How a process reads SQLite's change log (app/page_cache/watchers.py), on a database
file of its own: the products named since the last row read; everything when rows it
never read were pruned, or when the settings changed."""
import sqlite3

import pytest

from app.page_cache.watchers import EVERYTHING, Changes, SQLiteWatcher


@pytest.fixture
def log_file(tmp_path):
    path = str(tmp_path / "changes.sqlite3")
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE page_changes (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                     "product_id INTEGER, listed BOOLEAN NOT NULL)")
    return path


def write(path: str, *rows: tuple[int | None, bool]) -> None:
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO page_changes (product_id, listed) VALUES (?, ?)", rows)


@pytest.fixture
def watcher(log_file):
    delivered: list[Changes] = []
    watching = SQLiteWatcher(log_file, lambda changes, _connection: delivered.append(changes))
    yield watching, delivered
    watching.close()


def test_the_first_look_counts_as_everything_and_later_ones_name_the_products(log_file,
                                                                              watcher):
    watching, delivered = watcher
    write(log_file, (1, False))
    assert watching.ready() and delivered == [EVERYTHING]  # what happened before we looked
    assert watching.ready() and len(delivered) == 1  # nothing new: nothing delivered
    write(log_file, (7, False), (8, False), (7, False))
    assert watching.ready()
    assert delivered[-1] == Changes(products=frozenset({7, 8}), listed=False)
    write(log_file, (9, True))
    watching.ready()
    assert delivered[-1] == Changes(products=frozenset({9}), listed=True)


@pytest.mark.parametrize("change", ["settings", "pruned"])
def test_a_settings_change_or_rows_pruned_unread_mean_everything(log_file, watcher, change):
    watching, delivered = watcher
    watching.ready()
    if change == "settings":
        write(log_file, (3, False), (None, True))
    else:
        write(log_file, (3, False), (4, False), (5, False))
        with sqlite3.connect(log_file) as conn:  # as the pruning trigger does
            conn.execute("DELETE FROM page_changes WHERE id <= 2")
    assert watching.ready()
    assert delivered[-1] == EVERYTHING


def test_a_database_it_cannot_read_is_not_ready(tmp_path):
    watching = SQLiteWatcher(str(tmp_path / "missing" / "shop.sqlite3"), lambda *_: None)
    assert not watching.ready()
    watching.close()

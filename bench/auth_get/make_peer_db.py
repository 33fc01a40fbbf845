"""Create the FastAPI peer's own small SQLite database holding the same user as dataml.

Usage: make_peer_db.py <dataml.db> <peer.db> <user_id>

Copies the users row (all columns) for <user_id> out of dataml's database, opened read-only,
into a fresh file with a users table of the same shape, so both servers look up an identical row.
"""

import sqlite3
import sys

SCHEMA = """CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    username TEXT NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    password_hash TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    is_superuser INTEGER NOT NULL DEFAULT 0,
    password_changed_at BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL)"""
COLUMNS = ("id, tenant_id, username, email, first_name, last_name, password_hash, is_active, "
           "is_superuser, password_changed_at, created_at, modified_at")


def main() -> int:
    src_path, dst_path, user_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
    src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True)
    row = src.execute(f"SELECT {COLUMNS} FROM users WHERE id = ?", (user_id,)).fetchone()
    src.close()
    if row is None:
        print(f"user {user_id} not found in {src_path}", file=sys.stderr)
        return 1
    dst = sqlite3.connect(dst_path)
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute(SCHEMA)
    dst.execute("CREATE UNIQUE INDEX ux_users_username ON users (lower(username))")
    dst.execute(f"INSERT INTO users ({COLUMNS}) VALUES ({', '.join('?' * 12)})", row)
    dst.commit()
    dst.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

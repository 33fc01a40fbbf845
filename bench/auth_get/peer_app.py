"""Minimal FastAPI peer for the authenticated-GET benchmark.

Does per request what dataml's GET /api/v1/validate-token does:
  1. verify the HS256 bearer token with PyJWT (algorithms pinned to ["HS256"], signature,
     exp checked by PyJWT; iss == "dataml" and typ == "access" checked as dataml does),
  2. load the user row by id from SQLite (same columns dataml selects),
  3. reject if the user is missing / inactive or the token's iat is older than
     password_changed_at,
  4. return {"valid", "user_id", "username", "tenant_id", "is_superuser"} with tenant and
     superuser flag taken from the database row, not from the token.

SQLite access: one sqlite3 connection per thread (threading.local), opened lazily on first
use and reused. The handler is `async def`, so in each uvicorn worker process all requests run
on the event-loop thread, i.e. effectively one connection per worker process. Each query is a
primary-key lookup (microseconds), so it is run inline on the loop.

Environment:
  PEER_JWT_SECRET  the HS256 secret (same one dataml was started with)
  PEER_DB_PATH     path of the SQLite file holding the users table (see make_peer_db.py)
"""

import os
import sqlite3
import threading

import jwt
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

SECRET = os.environ["PEER_JWT_SECRET"]
DB_PATH = os.environ["PEER_DB_PATH"]

USER_COLUMNS = (
    "id, tenant_id, username, email, first_name, last_name, password_hash, is_active, "
    "is_superuser, password_changed_at, created_at, modified_at"
)
USER_BY_ID = f"SELECT {USER_COLUMNS} FROM users WHERE id = ?"

_local = threading.local()


def _conn() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(DB_PATH, check_same_thread=True)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=30000")
        _local.conn = conn
    return conn


app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
bearer = HTTPBearer(auto_error=True)


def _unauthenticated(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


@app.get("/api/v1/validate-token")
async def validate_token(creds: HTTPAuthorizationCredentials = Depends(bearer)):
    token = creds.credentials
    if not token or len(token) > 4096:
        raise _unauthenticated("Could not validate credentials")
    try:
        claims = jwt.decode(
            token,
            SECRET,
            algorithms=["HS256"],
            issuer="dataml",
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise _unauthenticated("Token has expired")
    except jwt.PyJWTError:
        raise _unauthenticated("Could not validate credentials")
    if claims.get("typ") != "access":
        raise _unauthenticated("Could not validate credentials")
    try:
        user_id = int(claims["sub"])
        issued_at = int(claims["iat"])
    except (TypeError, ValueError):
        raise _unauthenticated("Could not validate credentials")

    row = _conn().execute(USER_BY_ID, (user_id,)).fetchone()
    if row is None or not row["is_active"]:
        raise _unauthenticated("User not found or inactive")
    if issued_at < row["password_changed_at"]:
        raise _unauthenticated("Token was issued before the password was changed")
    return {
        "is_superuser": bool(row["is_superuser"]),
        "tenant_id": row["tenant_id"],
        "user_id": row["id"],
        "username": row["username"],
        "valid": True,
    }

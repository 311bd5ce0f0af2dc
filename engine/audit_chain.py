"""The audit log's hash chain and the seals of the rows it records (engine/case.py writes
them, engine/case_verify.py checks them). Pure functions over rows and one connection.

Each audit row carries SHA-256(id, time, action, params, operator, previous row's hash);
the first chained row of a case older than the chain takes as "previous hash" one hash
over all the older rows, so they stay sealed as they were found. A seal is
[table, rowid, SHA-256 of the listed columns' values, columns]: the columns are named so
that a column a later migration adds does not break the seals of older rows.
"""
import hashlib
import json


def sha256_json(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def audit_hash(row):
    """The hash an audit row carries: its own content and the previous row's hash."""
    return sha256_json([row["id"], row["time"], row["action"], row["params_json"], row["operator"],
                        row["prev_hash"]])


def legacy_digest(rows):
    """One hash over the audit rows written before the chain existed (the chain's first link)."""
    return sha256_json([[r["id"], r["time"], r["action"], r["params_json"]] for r in rows])


def row_digest(conn, table, rowid, columns):
    row = conn.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
    return None if row is None else sha256_json(list(row))


def seal(conn, table, rowid):
    columns = [c["name"] for c in conn.execute(f"PRAGMA table_info({table})")]
    return [table, rowid, row_digest(conn, table, rowid, columns), columns]

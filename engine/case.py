"""The case store (DESIGN.md, "Storage and files").

A case is a folder holding `case.sqlite` and artefact folders (profiles/, models/,
runs/, reports/). The database runs in WAL mode with foreign keys on; every change
happens in one transaction together with its audit-log row, and the audit log is
append-only (triggers RAISE on UPDATE or DELETE). Evidence files are never touched:
intake records their SHA-256, size, path and time, and `verify_evidence` re-hashes
them before a report is made.
"""
import datetime
import json
import os
import sqlite3
import uuid
from contextlib import contextmanager

from engine.npz import save_arrays
from engine.errors import InputError
from engine.runs import read_run_json

DB_NAME = "case.sqlite"
ARTEFACT_DIRS = ("profiles", "models", "runs", "reports")

# Migration N brings a database from schema version N to N+1; `PRAGMA user_version`
# holds the version. Add a migration at the end, never edit an old one.
MIGRATIONS = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE reference (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, spec TEXT NOT NULL,
        modality TEXT NOT NULL, n INTEGER NOT NULL, sample_shape TEXT NOT NULL,
        files_json TEXT NOT NULL, profile_path TEXT NOT NULL,
        profile_sha256 TEXT NOT NULL, created TEXT NOT NULL);
    CREATE TABLE evidence (
        id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL,
        size INTEGER NOT NULL, modality TEXT NOT NULL, intake_time TEXT NOT NULL,
        UNIQUE (path, sha256));
    CREATE TABLE run (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
        run_dir TEXT NOT NULL, config_json TEXT NOT NULL, metrics_json TEXT NOT NULL,
        files_json TEXT NOT NULL, registered TEXT NOT NULL);
    CREATE TABLE verdict (
        id INTEGER PRIMARY KEY,
        evidence_id INTEGER NOT NULL REFERENCES evidence(id),
        label TEXT NOT NULL CHECK (label IN ('generated', 'real', 'inconclusive')),
        score REAL NOT NULL, reasons_json TEXT NOT NULL, attribution_json TEXT,
        detectors_json TEXT NOT NULL, created TEXT NOT NULL);
    CREATE TABLE report (
        id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL,
        integrity_ok INTEGER NOT NULL, created TEXT NOT NULL);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY, time TEXT NOT NULL, action TEXT NOT NULL,
        params_json TEXT NOT NULL);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
    # Detector calibrations cached per registered run (scores of the held-out
    # reference), so a verdict never re-runs a model over the reference.
    """
    CREATE TABLE calibration (
        run_id INTEGER NOT NULL REFERENCES run(id), detector TEXT NOT NULL,
        path TEXT NOT NULL, PRIMARY KEY (run_id, detector));
    """,
    # What each run was trained on (spec, SHA-256 of the arrays, generator run), for the report.
    """
    ALTER TABLE run ADD COLUMN data_json TEXT NOT NULL DEFAULT '{}';
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _connect(path):
    conn = sqlite3.connect(path, isolation_level=None)  # transactions are explicit
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def migrate(conn):
    """Applies the missing migrations, each in its own transaction."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise InputError("case.sqlite", f"schema version {version} is newer than this tool ({SCHEMA_VERSION})")
    for number in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script):
    """Splits a migration into statements (triggers hold ';' inside BEGIN ... END)."""
    statements, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


class Case:
    """An open case folder. Use as a context manager; `transaction()` for changes."""

    def __init__(self, case_dir, conn):
        self.dir = os.path.abspath(case_dir)
        self.conn = conn

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    @contextmanager
    def transaction(self, action, params):
        """One change: everything inside plus its audit row commit together, or nothing."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute(
                "INSERT INTO audit (time, action, params_json) VALUES (?, ?, ?)",
                (now(), action, json.dumps(params, sort_keys=True, default=str)),
            )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def log(self, action, params):
        """An audit row on its own (actions that change nothing else)."""
        with self.transaction(action, params):
            pass

    # --- reading -------------------------------------------------------------------

    def meta(self):
        return {row["key"]: row["value"] for row in self.conn.execute("SELECT key, value FROM meta")}

    @property
    def case_id(self):
        return self.meta()["case_id"]

    def reference(self):
        row = self.conn.execute("SELECT * FROM reference ORDER BY id LIMIT 1").fetchone()
        if row is None:
            raise InputError(self.dir, "the case has no reference")
        return dict(row)

    def runs(self, kind=None):
        query, args = "SELECT * FROM run", ()
        if kind is not None:
            query, args = query + " WHERE kind = ?", (kind,)
        return [_decode(row) for row in self.conn.execute(query + " ORDER BY id", args)]

    def evidence(self):
        return [dict(row) for row in self.conn.execute("SELECT * FROM evidence ORDER BY id")]

    def verdicts(self):
        """The latest verdict of every evidence row that has one, with its evidence."""
        rows = self.conn.execute(
            "SELECT v.*, e.path, e.sha256, e.modality FROM verdict v JOIN evidence e ON e.id = v.evidence_id"
            " WHERE v.id IN (SELECT MAX(id) FROM verdict GROUP BY evidence_id) ORDER BY v.id"
        )
        return [_decode(row) for row in rows]

    def audit_log(self):
        return [dict(row) for row in self.conn.execute("SELECT * FROM audit ORDER BY id")]

    def calibration_path(self, run_id, detector):
        row = self.conn.execute(
            "SELECT path FROM calibration WHERE run_id = ? AND detector = ?", (run_id, detector)
        ).fetchone()
        return self.path(row["path"]) if row else None


def _decode(row):
    """A row as a dict, with its *_json columns parsed (key without the suffix)."""
    out = {}
    for key in row.keys():
        if key.endswith("_json"):
            out[key[: -len("_json")]] = json.loads(row[key]) if row[key] is not None else None
        else:
            out[key] = row[key]
    return out


def open_case(case_dir):
    """Opens an existing case, migrating its schema if it is older than this tool."""
    db = os.path.join(case_dir, DB_NAME)
    if not os.path.isfile(db):
        raise InputError(case_dir, "not a case folder (no case.sqlite); create one with `case new`")
    try:
        conn = _connect(db)
        migrate(conn)
    except sqlite3.DatabaseError as err:
        raise InputError(db, f"unreadable case database ({err})") from None
    return Case(case_dir, conn)


def create_case(case_dir, name=None):
    """Creates an empty case folder (database, schema, artefact folders)."""
    if os.path.exists(os.path.join(case_dir, DB_NAME)):
        raise InputError(case_dir, "a case already exists here")
    if os.path.isfile(case_dir):
        raise InputError(case_dir, "is a file, not a folder")
    for sub in ARTEFACT_DIRS:
        os.makedirs(os.path.join(case_dir, sub), exist_ok=True)
    conn = _connect(os.path.join(case_dir, DB_NAME))
    migrate(conn)
    case = Case(case_dir, conn)
    meta = {"case_id": uuid.uuid4().hex[:12], "name": name or os.path.basename(case.dir),
            "created": now(), "tool_version": tool_version()}
    with case.transaction("case_created", meta) as db:
        db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
    return case


def tool_version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ganforensics")
    except PackageNotFoundError:
        return "0.1.0+source"


# --- evidence -----------------------------------------------------------------------


def intake(case, path, modality, sha256=None, size=None):
    """Records an evidence file (path, SHA-256, size, time); returns its row as a dict.

    Pass the hash and size of the bytes that were actually decoded when the loader
    has them. The same path with the same content is one row; new content under an
    old path is a new row, and the change is logged.
    """
    from engine.data.hashing import sha256_file

    path = os.path.abspath(path)
    digest = sha256 or sha256_file(path)
    size = size if size is not None else os.path.getsize(path)
    row = case.conn.execute("SELECT * FROM evidence WHERE path = ? AND sha256 = ?", (path, digest)).fetchone()
    if row is not None:
        return dict(row)
    earlier = case.conn.execute("SELECT sha256 FROM evidence WHERE path = ?", (path,)).fetchall()
    params = {"path": path, "sha256": digest, "size": size, "modality": modality}
    if earlier:
        params["previous_sha256"] = [r["sha256"] for r in earlier]
    with case.transaction("evidence_intake", params) as db:
        db.execute(
            "INSERT INTO evidence (path, sha256, size, modality, intake_time) VALUES (?, ?, ?, ?, ?)",
            (path, digest, size, modality, now()),
        )
    return dict(case.conn.execute("SELECT * FROM evidence WHERE path = ? AND sha256 = ?", (path, digest)).fetchone())


def verify_evidence(case):
    """Re-hashes every evidence file; returns rows with "status" ok|modified|missing.

    Every mismatch is written to the audit log.
    """
    from engine.data.hashing import sha256_file

    results = []
    for row in case.evidence():
        if not os.path.isfile(row["path"]):
            status, current = "missing", None
        else:
            current = sha256_file(row["path"])
            status = "ok" if current == row["sha256"] else "modified"
        results.append({**row, "status": status, "current_sha256": current})
    bad = [{"path": r["path"], "status": r["status"], "recorded": r["sha256"], "current": r["current_sha256"]}
           for r in results if r["status"] != "ok"]
    case.log("evidence_verified", {"files": len(results), "mismatches": bad})
    return results


def record_verdict(case, evidence_id, verdict, detectors):
    """Stores one file's verdict (the JSON entry) and its detector details."""
    params = {"evidence_id": evidence_id, "path": verdict["path"], "label": verdict["label"],
              "score": verdict["score"]}
    with case.transaction("verdict", params) as db:
        db.execute(
            "INSERT INTO verdict (evidence_id, label, score, reasons_json, attribution_json, detectors_json, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (evidence_id, verdict["label"], verdict["score"], json.dumps(verdict["reasons"]),
             json.dumps(verdict["attribution"]) if verdict["attribution"] else None,
             json.dumps(detectors), now()),
        )


def record_report(case, path, integrity_ok):
    from engine.data.hashing import sha256_file

    digest = sha256_file(path)
    with case.transaction("report", {"path": os.path.abspath(path), "sha256": digest,
                                     "integrity_ok": integrity_ok}) as db:
        db.execute("INSERT INTO report (path, sha256, integrity_ok, created) VALUES (?, ?, ?, ?)",
                   (os.path.abspath(path), digest, int(integrity_ok), now()))


# --- training runs ------------------------------------------------------------------

RUN_KINDS = ("gan", "classifier", "inverse")


def register_run(case_dir, run_dir):
    """Registers a finished training run (GAN generator, classifier, inverse model).

    Records the run's kind, config, metrics, training data and the SHA-256 of its safetensors files,
    then computes the run's detector calibration on the held-out reference stored in
    the case profile (classifier and inverse runs). Returns the run row as a dict.
    """
    from engine.data.hashing import sha256_file

    run_json = os.path.join(run_dir, "run.json")
    run = read_run_json(run_dir)
    kind = run.get("kind") or run.get("config", {}).get("kind")
    if kind not in RUN_KINDS:
        raise InputError(run_json, f"unknown run kind {kind!r} (expected one of {', '.join(RUN_KINDS)})")
    if run.get("status") not in (None, "done", "finished", "completed"):
        raise InputError(run_json, f"the run is not finished (status {run.get('status')!r})")
    tensors = sorted(f for f in os.listdir(run_dir) if f.endswith(".safetensors"))
    if not tensors:
        raise InputError(run_dir, "the run holds no safetensors model")
    files = {f: sha256_file(os.path.join(run_dir, f)) for f in tensors}
    name = run.get("name") or os.path.basename(os.path.abspath(run_dir))
    with open_case(case_dir) as case:
        same = [r for r in case.runs() if r["run_dir"] == os.path.abspath(run_dir) and r["files"] == files]
        if same:  # registering the very same model again changes nothing
            return same[-1]
        params = {"kind": kind, "name": name, "run_dir": os.path.abspath(run_dir), "files": files}
        with case.transaction("run_registered", params) as db:
            cur = db.execute(
                "INSERT INTO run (kind, name, run_dir, config_json, metrics_json, files_json, data_json, registered)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, name, os.path.abspath(run_dir), json.dumps(run.get("config", {})),
                 json.dumps(run.get("metrics", {})), json.dumps(files), json.dumps(run.get("data", {})), now()),
            )
            run_id = cur.lastrowid
        from engine.detectors.learned import calibrate_run

        calibrate_run(case, run_id)
        return next(r for r in case.runs() if r["id"] == run_id)


def store_calibration(case, run_id, detector, arrays):
    """Saves a run's calibration arrays under profiles/ and records them."""
    rel = os.path.join("profiles", f"run{run_id}_{detector}.npz")
    save_arrays(case.path(rel), arrays)
    with case.transaction("calibration", {"run_id": run_id, "detector": detector, "path": rel}) as db:
        db.execute("INSERT OR REPLACE INTO calibration (run_id, detector, path) VALUES (?, ?, ?)",
                   (run_id, detector, rel))




def new_case(case_dir, reference_spec, name=None, state=None):
    """`case new`: loads the reference, computes its profile, creates the case.

    The reference is read (and the profile computed) before anything is written, so a
    bad spec leaves no half-made case behind. Returns the case's meta dict.
    """
    from engine.data.hashing import sha256_file
    from engine.data.specs import load_spec
    from engine.detectors.profile import build_profile, fit_spec

    if os.path.exists(os.path.join(case_dir, DB_NAME)):
        raise InputError(case_dir, "a case already exists here")
    ref = load_spec(reference_spec)
    if ref.n == 0:
        raise InputError(reference_spec, "the reference holds no samples")
    try:
        profile = build_profile(ref, state)
    except ValueError as err:
        raise InputError(reference_spec, str(err)) from None
    with create_case(case_dir, name) as case:
        rel = os.path.join("profiles", "reference.npz")
        save_arrays(case.path(rel), profile)
        params = {"spec": reference_spec, "name": ref.name, "modality": ref.modality, "n": ref.n,
                  "shape": list(ref.shape), "profile": rel, "profile_sha256": sha256_file(case.path(rel)),
                  "rejected": ref.rejected, "meta": ref.meta}
        with case.transaction("reference_added", params) as db:
            db.execute(
                "INSERT INTO reference (name, spec, modality, n, sample_shape, files_json, profile_path,"
                " profile_sha256, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (ref.name, reference_spec, ref.modality, ref.n, json.dumps(list(ref.shape)),
                 json.dumps(ref.files), rel, params["profile_sha256"], now()),
            )
        fitting = fit_spec(reference_spec, int(profile["n_fit_files"])) or ""
        with case.transaction("fit_spec", {"fit_spec": fitting}) as db:
            db.execute("INSERT INTO meta (key, value) VALUES ('fit_spec', ?)", (fitting,))
        return case.meta()

"""The case store (DESIGN.md, "Storage and files").

A case is a folder holding `case.sqlite` and artefact folders (profiles/, models/,
runs/, reports/). The database runs in WAL mode with foreign keys on; every change
happens in one transaction together with its audit-log row, and the audit log is
append-only (triggers RAISE on UPDATE or DELETE) and a hash chain whose rows seal the
rows their transaction inserted (engine/audit_chain.py; checked by engine/case_verify.py).
Evidence files are never touched: intake records their SHA-256, size, path and time, and
`verify_evidence` re-hashes them before a report is made. Every artefact a verdict loads
(reference profile, run checkpoints and sidecars, calibrations) is hashed when made and
re-hashed before use.

This module is the store only: connection, schema and migrations, records, intake, the
audit log and artefact hashes (the latest recorded per path counts: `upgrade_artefacts`
rewrites artefacts in an audited transaction and records their new hashes), and runs retired
by a later one. The workflows that fit a reference profile and calibrate runs (`case new`,
run registration) and open a case for work with its artefacts in the current format
(engine/case_upgrades.py) are engine/case_workflows.py, above the detectors.
"""
import datetime
import json
import os
import sqlite3
import uuid
from contextlib import contextmanager

from engine.audit_chain import audit_hash, legacy_digest, seal
from engine.errors import InputError

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
    # Integrity (#11): the audit log becomes a hash chain with the operator of every action;
    # every artefact a verdict depends on is hashed when made; evidence rows name the earlier
    # byte-identical item they duplicate; verdicts carry their detector set's fingerprint.
    """
    ALTER TABLE audit ADD COLUMN operator TEXT;
    ALTER TABLE audit ADD COLUMN prev_hash TEXT;
    ALTER TABLE audit ADD COLUMN hash TEXT;
    CREATE TABLE artefact (
        id INTEGER PRIMARY KEY, path TEXT NOT NULL, role TEXT NOT NULL, sha256 TEXT NOT NULL,
        run_id INTEGER REFERENCES run(id), recorded TEXT NOT NULL,
        on_upgrade INTEGER NOT NULL DEFAULT 0);
    ALTER TABLE evidence ADD COLUMN duplicate_of INTEGER REFERENCES evidence(id);
    ALTER TABLE verdict ADD COLUMN fingerprint TEXT;
    """,
    # Artefact formats (engine/case_upgrades.py): one row per format the case's artefacts were
    # brought to, so opening a case upgrades older artefacts once. Runs retired by a later one
    # (a zoo's classifier by the classifier of a larger zoo) no longer bring their detector.
    """
    CREATE TABLE artefact_format (version INTEGER PRIMARY KEY, applied TEXT NOT NULL);
    CREATE TABLE run_retired (
        run_id INTEGER PRIMARY KEY REFERENCES run(id), by_run_id INTEGER NOT NULL REFERENCES run(id),
        reason TEXT NOT NULL, retired TEXT NOT NULL);
    """,
    # Relocatable cases: run folders and artefacts inside the case folder are stored relative to
    # it, so a copied, moved or symlinked case finds its own files. No schema change: the
    # migration is its hook (`_relative_paths`), which rewrites the absolute paths of older cases.
    "",
]
SCHEMA_VERSION = len(MIGRATIONS)


# Rows of these tables are sealed: the audit row of the transaction that inserts one
# carries the SHA-256 of its columns, so an edited, inserted or deleted row shows. The
# integrity migration sealed the rows it found in INTEGRITY_TABLES (the tables then).
INTEGRITY_TABLES = ("meta", "reference", "evidence", "run", "verdict", "calibration", "artefact", "report")
SEALED_TABLES = INTEGRITY_TABLES + ("artefact_format", "run_retired")
BUSY_TIMEOUT_S = 10
BUSY_RETRIES = 3


class CaseBusy(InputError):
    """The case database stayed locked by another process."""


class IntegrityFailure(Exception):
    """Evidence or a case artefact changed since it was recorded (exit code 3)."""

    def __init__(self, source, reason):
        self.source, self.reason = str(source), reason
        super().__init__(f"{self.source}: {reason}")


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def operator():
    """The OS user acting on the case (the audit log's operator column)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _is_busy(err):
    return isinstance(err, sqlite3.OperationalError) and ("locked" in str(err) or "busy" in str(err))


def retry_busy(db, action):
    """Runs action(); SQLite waits BUSY_TIMEOUT_S for a lock, this retries a few times more,
    then says plainly that another process holds the case."""
    import time

    for attempt in range(BUSY_RETRIES):
        try:
            return action()
        except sqlite3.OperationalError as err:
            if not _is_busy(err):
                raise
            time.sleep(0.2 * (attempt + 1))
    try:
        return action()
    except sqlite3.OperationalError as err:
        if _is_busy(err):
            raise CaseBusy(db, f"case in use by another process (still locked after "
                               f"{(BUSY_RETRIES + 1) * BUSY_TIMEOUT_S} s); try again when it has finished") from None
        raise


def _connect(path):
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)  # transactions are explicit
    conn.row_factory = sqlite3.Row
    retry_busy(path, lambda: conn.execute("PRAGMA journal_mode=WAL"))
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def migrate(conn):
    """Applies the missing migrations, each in its own transaction (with its hook, if any)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise InputError("case.sqlite", f"schema version {version} is newer than this tool ({SCHEMA_VERSION})")
    for number in range(version, SCHEMA_VERSION):
        retry_busy("case.sqlite", lambda: conn.execute("BEGIN IMMEDIATE"))
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] != number:  # another process migrated
                conn.execute("ROLLBACK")
                continue
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            if number + 1 in MIGRATION_HOOKS:
                MIGRATION_HOOKS[number + 1](conn)
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


# --- the audit hash chain and row seals ------------------------------------------------


def _append_audit(conn, action, params):
    last = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    if last is not None and last["hash"] is None:  # the first chained row seals the older ones
        prev = legacy_digest(conn.execute("SELECT * FROM audit ORDER BY id").fetchall())
    else:
        prev = last["hash"] if last else None
    row = {"id": last["id"] + 1 if last else 1, "time": now(), "action": action,
           "params_json": json.dumps(params, sort_keys=True, default=str), "operator": operator(),
           "prev_hash": prev}
    row["hash"] = audit_hash(row)
    conn.execute("INSERT INTO audit (id, time, action, params_json, operator, prev_hash, hash)"
                 " VALUES (:id, :time, :action, :params_json, :operator, :prev_hash, :hash)", row)


def _seal_legacy(conn):
    """Migration hook of the integrity schema: older cases get their artefacts hashed and
    their existing rows and audit log sealed now, and the audit log says so (rows and
    artefacts recorded on upgrade are marked as such, never as recorded at creation)."""
    if conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0:
        return  # a new database
    case_dir = os.path.dirname(conn.execute("PRAGMA database_list").fetchone()["file"])
    legacy = {table: conn.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}").fetchone()[0]
              for table in INTEGRITY_TABLES if table != "artefact"}
    artefacts = []
    for ref in conn.execute("SELECT * FROM reference"):
        artefacts.append((ref["profile_path"], "reference profile", ref["profile_sha256"], None, 0))
    for cal in conn.execute("SELECT * FROM calibration"):
        path = os.path.join(case_dir, cal["path"])
        if os.path.isfile(path):
            artefacts.append((cal["path"], f"calibration {cal['detector']}", _file_hash(path), cal["run_id"], 1))
    for run in conn.execute("SELECT * FROM run"):
        files = json.loads(run["files_json"])
        checkpoint = latest_checkpoint(run["run_dir"])
        if checkpoint and os.path.basename(checkpoint) + ".safetensors" in files:
            artefacts.append((checkpoint + ".safetensors", "checkpoint",
                              files[os.path.basename(checkpoint) + ".safetensors"], run["id"], 0))
            if os.path.isfile(checkpoint + ".json"):
                artefacts.append((checkpoint + ".json", "checkpoint sidecar", _file_hash(checkpoint + ".json"),
                                  run["id"], 1))
    # every row found is sealed as it is now, so a later edit or deletion shows
    seals = [seal(conn, table, rowid) for table in legacy for (rowid,) in conn.execute(f"SELECT rowid FROM {table}")]
    for path, role, digest, run_id, on_upgrade in artefacts:
        cur = conn.execute("INSERT INTO artefact (path, role, sha256, run_id, recorded, on_upgrade)"
                           " VALUES (?, ?, ?, ?, ?, ?)", (path, role, digest, run_id, now(), on_upgrade))
        seals.append(seal(conn, "artefact", cur.lastrowid))
    _append_audit(conn, "integrity_upgrade", {
        "note": "rows and audit entries before this one predate the hash chain: sealed as they were found",
        "legacy_rows": legacy, "rows": seals})


def _relative_paths(conn):
    """Migration hook of relocatable cases: the absolute run folders and artefact paths of an
    older case that lie inside it become relative to the case folder, the rows changed are
    sealed again and the audit log lists each path before and after.

    Inside means: under the case folder as found now (through symlinks), or, for a run, under
    the folder the case had when the run was registered. The latter is read from the run's
    checkpoint artefact, which was already recorded relative to the case: a run folder
    /old/case/runs/gan whose checkpoint was recorded as runs/gan/checkpoint-… becomes runs/gan,
    so a case copied or moved before this upgrade stops pointing at the original's files.
    Runs registered from outside the case keep their absolute path."""
    if conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0:
        return  # a new database
    case_dir = os.path.dirname(conn.execute("PRAGMA database_list").fetchone()["file"])
    recorded_inside = {}  # run id -> its folder relative to the case, from its relative checkpoint record
    for row in conn.execute("SELECT run_id, path FROM artefact WHERE role = 'checkpoint' AND run_id IS NOT NULL"):
        if not os.path.isabs(row["path"]):
            recorded_inside[row["run_id"]] = os.path.dirname(os.path.normpath(row["path"]))
    moved_runs, runs = {}, []
    for run in conn.execute("SELECT id, run_dir FROM run").fetchall():
        before = os.path.normpath(run["run_dir"])
        if not os.path.isabs(before):
            continue
        rel = recorded_inside.get(run["id"])
        after = rel if rel and before.endswith(os.sep + rel) else relative_inside(before, case_dir)
        if after is not None:
            moved_runs[before] = after
            runs.append((run["id"], run["run_dir"], after))
    artefacts = []
    for row in conn.execute("SELECT id, path FROM artefact").fetchall():
        if not os.path.isabs(row["path"]):
            continue
        path = os.path.normpath(row["path"])
        after = next((os.path.join(rel, os.path.relpath(path, old)) for old, rel in moved_runs.items()
                      if path.startswith(old + os.sep)), None) or relative_inside(path, case_dir)
        if after is not None:
            artefacts.append((row["id"], row["path"], after))
    seals = []
    for table, column, changes in (("run", "run_dir", runs), ("artefact", "path", artefacts)):
        for rowid, _, after in changes:
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (after, rowid))
            seals.append(seal(conn, table, rowid))
    left = [r["run_dir"] for r in conn.execute("SELECT run_dir FROM run") if os.path.isabs(r["run_dir"])]
    _append_audit(conn, "paths_made_relative", {
        "note": "paths inside the case folder are now stored relative to it (the rows changed are sealed again)",
        "case_folder": case_dir, "runs": [{"id": i, "before": b, "after": a} for i, b, a in runs],
        "artefacts": [{"id": i, "before": b, "after": a} for i, b, a in artefacts],
        "runs_outside_the_case": left, "rows": seals})


MIGRATION_HOOKS = {4: _seal_legacy, 6: _relative_paths}


def relative_inside(path, folder):
    """path relative to folder when it lies inside it (both with symlinks resolved), else None."""
    real, base = os.path.realpath(path), os.path.realpath(folder)
    if os.path.commonpath([real, base]) != base:
        return None
    return os.path.relpath(real, base)


def _file_hash(path):
    from engine.data.hashing import sha256_file

    return sha256_file(path)


def latest_checkpoint(run_dir):
    """The path (without extension) of the checkpoint a run's models are loaded from, or None."""
    from training.runfolder import RunFolder

    steps = RunFolder(run_dir).checkpoint_steps() if os.path.isdir(run_dir) else []
    return os.path.join(os.path.abspath(run_dir), f"checkpoint-{steps[-1]:08d}") if steps else None


class Case:
    """An open case folder. Use as a context manager; `transaction()` for changes."""

    def __init__(self, case_dir, conn):
        self.dir = os.path.abspath(case_dir)
        self.conn = conn
        self._seals = self._notes = None
        self._verified = {}  # path -> (SHA-256, stat) of artefacts hashed while the case is open

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def path(self, *parts):
        """A path the case stores, resolved: relative ones against the case folder as opened."""
        return os.path.join(self.dir, *parts)

    def stored_path(self, path):
        """How the case stores a path: relative to the case folder when it lies inside it
        (through any symlink), so a copied, moved or symlinked case finds its own files;
        absolute otherwise (a run registered from outside the case stays where it is)."""
        path = os.path.abspath(self.path(path))
        return relative_inside(path, self.dir) or path

    @contextmanager
    def transaction(self, action, params):
        """One change: everything inside plus its audit row commit together, or nothing.
        The audit row carries the seals of the rows `insert` added."""
        retry_busy(self.path(DB_NAME), lambda: self.conn.execute("BEGIN IMMEDIATE"))
        self._seals, self._notes = [], {}
        try:
            yield self.conn
            extra = {"rows": self._seals} if self._seals else {}
            _append_audit(self.conn, action, {**params, **self._notes, **extra})
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        finally:
            self._seals = self._notes = None

    @contextmanager
    def snapshot(self):
        """Reads that must agree (the audit log and the rows it seals) see one state of the case. Outside a
        transaction each SELECT sees the latest commit, so a verdict process that wrote a calibration between
        another's two reads made its row look inserted by hand there (exit 3, verdicts refused)."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN")  # deferred: the first read fixes the state every later read sees
        try:
            yield self.conn
        finally:
            self.conn.execute("COMMIT")

    def note(self, **params):
        """Inside a transaction: more parameters for its audit row (what it found out while working)."""
        assert self._notes is not None, "note() belongs inside a transaction"
        self._notes.update(params)

    def insert(self, table, values, conflict=""):
        """Inserts a row inside a transaction and seals it; returns its rowid (None when
        `conflict` (e.g. "ON CONFLICT DO NOTHING") left the table as it was)."""
        assert self._seals is not None, "insert() belongs inside a transaction"
        names = list(values)
        cur = self.conn.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                                f"({', '.join('?' * len(names))}) {conflict}", [values[n] for n in names])
        if cur.rowcount == 0:
            return None
        self._seals.append(seal(self.conn, table, cur.lastrowid))
        return cur.lastrowid

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

    def profile(self, verify=True):
        """The reference profile's arrays, after checking its SHA-256 against the record
        (IntegrityFailure when it changed). verify=False only where a changed profile is
        already flagged and still drawn (the report's page 1, the window's sample view)."""
        from engine.npz import load_arrays

        path = self.reference()["profile_path"]
        if verify:
            require_artefact(self, path, self.recorded_sha256(path), "reference profile")
        return load_arrays(self.path(path))

    def recorded_sha256(self, path):
        """The SHA-256 last recorded for an artefact (a rewrite on upgrade records a new one), or None."""
        row = self.conn.execute("SELECT sha256 FROM artefact WHERE path = ? ORDER BY id DESC LIMIT 1",
                                (path,)).fetchone()
        return row["sha256"] if row else None

    def artefact_format(self):
        """The artefact format the case's artefacts were brought to (0: none recorded)."""
        return self.conn.execute("SELECT COALESCE(MAX(version), 0) FROM artefact_format").fetchone()[0]

    def runs(self, kind=None):
        """The registered runs in registration order, those retired by a later run left out."""
        query, args = "SELECT * FROM run WHERE id NOT IN (SELECT run_id FROM run_retired)", ()
        if kind is not None:
            query, args = query + " AND kind = ?", (kind,)
        runs = [_decode(row, "run") for row in self.conn.execute(query + " ORDER BY id", args)]
        return [{**run, "run_dir": self.path(run["run_dir"])} for run in runs]

    def retire_runs(self, run_ids, by_run_id, reason):
        """Runs replaced by run `by_run_id` leave the case's detectors, in one audited transaction."""
        with self.transaction("runs_retired", {"runs": list(run_ids), "by_run": by_run_id, "reason": reason}):
            for run_id in run_ids:
                self.insert("run_retired", {"run_id": run_id, "by_run_id": by_run_id, "reason": reason,
                                            "retired": now()})

    def evidence(self):
        return [dict(row) for row in self.conn.execute("SELECT * FROM evidence ORDER BY id")]

    def verdicts(self, malformed=None):
        """The latest verdict of every evidence row that has one, with its evidence. A row
        whose JSON was broken by hand raises IntegrityFailure, or, given a list, is left out
        and its one-line reason appended to `malformed` (a report still gets written)."""
        rows = self.conn.execute(
            "SELECT v.*, e.path, e.sha256, e.modality FROM verdict v JOIN evidence e ON e.id = v.evidence_id"
            " WHERE v.id IN (SELECT MAX(id) FROM verdict GROUP BY evidence_id) ORDER BY v.id"
        )
        out = []
        for row in rows:
            try:
                out.append(_decode(row, "verdict"))
            except IntegrityFailure as err:
                if malformed is None:
                    raise
                malformed.append(str(err))
        return out

    def audit_log(self):
        return [dict(row) for row in self.conn.execute("SELECT * FROM audit ORDER BY id")]

    def artefacts(self):
        """The artefacts as last recorded: one row per path (its latest), in recording order."""
        latest = {row["path"]: dict(row) for row in self.conn.execute("SELECT * FROM artefact ORDER BY id")}
        return sorted(latest.values(), key=lambda row: row["id"])

    def calibration_path(self, run_id, detector):
        """The path of a run's calibration file, after checking its SHA-256 against the record."""
        row = self.conn.execute(
            "SELECT path FROM calibration WHERE run_id = ? AND detector = ?", (run_id, detector)
        ).fetchone()
        if row is None:
            return None
        require_artefact(self, row["path"], self.recorded_sha256(row["path"]), f"calibration {detector}")
        return self.path(row["path"])


def _decode(row, table):
    """A row as a dict, with its *_json columns parsed (key without the suffix)."""
    out = {}
    for key in row.keys():
        if key.endswith("_json"):
            try:
                out[key[: -len("_json")]] = json.loads(row[key]) if row[key] is not None else None
            except (TypeError, ValueError):
                raise IntegrityFailure(f"case.sqlite {table} row {row['id']}",
                                       f"malformed {key} (the database was edited by hand)") from None
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
    except CaseBusy:
        raise
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
    with case.transaction("case_created", meta):
        for key, value in meta.items():
            case.insert("meta", {"key": key, "value": value})
    return case


def tool_version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ganforensics")
    except PackageNotFoundError:
        return "0.1.0+source"


# --- artefacts ----------------------------------------------------------------------


def record_artefact(case, path, role, digest=None, run_id=None):
    """Records an artefact's SHA-256 (inside the transaction that made it); a path inside
    the case is stored relative to it, so the case folder can move (Case.stored_path)."""
    case.insert("artefact", {"path": case.stored_path(path), "role": role,
                             "sha256": digest or _file_hash(case.path(path)), "run_id": run_id, "recorded": now()})


class _AlreadyUpgraded(Exception):
    """Another process brought the artefacts to this format while this one prepared its upgrade."""


def upgrade_artefacts(case, version, rewrites, skipped=()):
    """Brings the case's artefacts to format `version` (engine/case_upgrades.py computes the
    new arrays), in one transaction with its audit row: each rewrite {"path", "role",
    "run_id", "sha256" (of the bytes upgraded), "arrays", "changes" (words)} is written beside
    its artefact, its new SHA-256 recorded (a new artefact row, marked on_upgrade), and moved
    into place just before the commit; a failure puts the old bytes back. An artefact whose
    bytes are no longer those upgraded is left alone (it stays flagged by `case verify`), and
    so are `skipped` ({"path", "reason"}). Does nothing when the case is already there."""
    from engine.npz import save_arrays

    staged, replaced = [], []
    try:
        with case.transaction("artefacts_upgraded", {"version": version}) as conn:
            if case.artefact_format() >= version:
                raise _AlreadyUpgraded
            done, skipped = [], list(skipped)
            for item in rewrites:
                full = case.path(item["path"])
                with open(full, "rb") as fh:
                    old = fh.read()
                if sha256_bytes(old) != item["sha256"] or case.recorded_sha256(item["path"]) != item["sha256"]:
                    skipped.append({"path": item["path"], "reason": "changed while the upgrade was prepared"})
                    continue
                staging = f"{full}.upgrade{os.getpid()}"
                save_arrays(staging, item["arrays"])
                staged.append((staging, full, old))
                digest = _file_hash(staging)
                record = {"path": item["path"], "role": item["role"], "sha256": digest, "run_id": item["run_id"],
                          "recorded": now(), "on_upgrade": 1}
                case.insert("artefact", record)
                done.append({"path": item["path"], "role": item["role"], "sha256_before": item["sha256"],
                             "sha256_after": digest, "changes": item["changes"]})
            case.insert("artefact_format", {"version": version, "applied": now()})
            case.note(artefacts=done, skipped=skipped)
            for staging, full, old in staged:
                os.replace(staging, full)
                replaced.append((full, old))
    except _AlreadyUpgraded:
        pass
    except BaseException:
        for full, old in replaced:
            _write_bytes(full, old)
        raise
    finally:
        for staging, _, _ in staged:
            if os.path.exists(staging):
                os.remove(staging)


def sha256_bytes(data):
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _write_bytes(path, data):
    from engine.atomic import atomic_output

    with atomic_output(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def artefact_status(case, path, recorded):
    """"ok", "modified", "missing", "unreadable (...)" or "not verifiable", and the current
    SHA-256. An artefact found as recorded is not hashed again while the case stays open
    (a verdict checks every artefact, then loads them) unless its size, time or inode changed."""
    full = case.path(path)
    if recorded is None:
        return "not verifiable", None
    if not os.path.isfile(full):
        return "missing", None
    try:
        stat = os.stat(full)
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        if case._verified.get(path) == (recorded, signature):
            return "ok", recorded
        current = _file_hash(full)
    except OSError as err:
        return f"unreadable ({err.strerror or err})", None
    if current == recorded:
        case._verified[path] = (recorded, signature)
    return ("ok" if current == recorded else "modified"), current


def require_artefact(case, path, recorded, role):
    """Refuses (IntegrityFailure) an artefact whose bytes differ from those recorded when it was made."""
    status, _ = artefact_status(case, path, recorded)
    if status == "not verifiable":
        raise IntegrityFailure(case.path(path), f"{role} has no recorded SHA-256; it cannot be verified")
    if status != "ok":
        raise IntegrityFailure(case.path(path), f"{role} {status} since it was recorded; verdicts refused "
                                                f"(`case verify {case.dir}` lists every problem)")


# --- evidence -----------------------------------------------------------------------


def evidence_status(case, path, digest):
    """"ok" (this content was taken in under this path), "modified" (the path was taken in
    with other content) or "new"."""
    recorded = {r["sha256"] for r in case.conn.execute("SELECT sha256 FROM evidence WHERE path = ?",
                                                        (os.path.abspath(path),))}
    if not recorded:
        return "new"
    return "ok" if digest in recorded else "modified"


def _intake_row(case, path, digest, size, modality):
    """Inside a transaction: the evidence row of (path, content), inserted if new with a
    note of the earlier byte-identical item it duplicates. (row dict, created)."""
    earlier = case.conn.execute("SELECT id FROM evidence WHERE sha256 = ? AND path != ? ORDER BY id LIMIT 1",
                                (digest, path)).fetchone()
    rowid = case.insert("evidence", {"path": path, "sha256": digest, "size": size, "modality": modality,
                                     "intake_time": now(), "duplicate_of": earlier["id"] if earlier else None},
                        conflict="ON CONFLICT (path, sha256) DO NOTHING")
    row = case.conn.execute("SELECT * FROM evidence WHERE path = ? AND sha256 = ?", (path, digest)).fetchone()
    return dict(row), rowid is not None


def intake(case, path, modality, sha256=None, size=None):
    """Records an evidence file (path, SHA-256, size, time); returns its row as a dict.

    Pass the hash and size of the bytes that were actually decoded when the loader
    has them. The same path with the same content is one row; a byte-identical copy
    under another name notes the earlier item in `duplicate_of`.
    """
    path = os.path.abspath(path)
    digest = sha256 or _file_hash(path)
    size = size if size is not None else os.path.getsize(path)
    params = {"path": path, "sha256": digest, "size": size, "modality": modality}
    with case.transaction("evidence_intake", params):
        row, params["created"] = _intake_row(case, path, digest, size, modality)
    return row


def verify_evidence(case):
    """Re-hashes every evidence file; returns rows with "status" ok|modified|missing|unreadable.

    Every mismatch is written to the audit log.
    """
    results = []
    for row in case.evidence():
        if not os.path.isfile(row["path"]):
            status, current = "missing", None
        else:
            try:
                current = _file_hash(row["path"])
                status = "ok" if current == row["sha256"] else "modified"
            except OSError:
                status, current = "unreadable", None
        results.append({**row, "status": status, "current_sha256": current})
    bad = [{"path": r["path"], "status": r["status"], "recorded": r["sha256"], "current": r["current_sha256"]}
           for r in results if r["status"] != "ok"]
    case.log("evidence_verified", {"files": len(results), "mismatches": bad})
    return results


def record_verdict(case, path, verdict, detectors, fingerprint, record=None):
    """Takes the file in (if new) and stores its verdict, in one transaction; returns the evidence row.
    `record`: {"sha256", "size"} of the bytes that were decoded (hashed from the file when absent)."""
    path = os.path.abspath(path)
    digest = (record or {}).get("sha256") or _file_hash(path)
    size = (record or {}).get("size")
    size = size if size is not None else os.path.getsize(path)
    params = {"path": path, "sha256": digest, "label": verdict["label"], "score": verdict["score"],
              "fingerprint": fingerprint}
    with case.transaction("verdict", params):
        row, created = _intake_row(case, path, digest, size, verdict["modality"])
        params.update(evidence_id=row["id"], new_evidence=created, duplicate_of=row["duplicate_of"])
        case.insert("verdict", {
            "evidence_id": row["id"], "label": verdict["label"], "score": verdict["score"],
            "reasons_json": json.dumps(verdict["reasons"]),
            "attribution_json": json.dumps(verdict["attribution"]) if verdict["attribution"] else None,
            "detectors_json": json.dumps(detectors), "created": now(), "fingerprint": fingerprint})
    return row


def record_report(case, path, integrity_ok, audit_head=None):
    digest = _file_hash(path)
    with case.transaction("report", {"path": os.path.abspath(path), "sha256": digest,
                                     "integrity_ok": integrity_ok, "audit_head": audit_head}):
        case.insert("report", {"path": os.path.abspath(path), "sha256": digest, "integrity_ok": int(integrity_ok),
                               "created": now()})

"""Checks that a case is still what it recorded (`case verify`, every report, and the
artefact part before every verdict): evidence and artefacts re-hashed, the audit log's
hash chain and the seals of the recorded rows (engine/audit_chain.py). Every function
returns problems as one line each, for the command line, the report and the window."""
import json
import os

from engine import case as case_store
from engine.audit_chain import audit_hash, legacy_digest, row_digest

# A stored `case validate` result: verified with the rest (the report quotes its error rates),
# but no detector loads it, so a change to it is flagged without refusing verdicts.
SELF_TEST_ROLE = "self-test"


def verify_artefacts(case):
    """Every artefact of the runs in use (each run folder's latest registration) and the
    reference profile, re-hashed: rows with "status" ok | modified | missing | unreadable,
    "current_sha256", and "problem" (one line, or None)."""
    in_use = {run["run_dir"]: run["id"] for run in case.runs()}
    checkpoints = {}
    results = []
    for row in case.artefacts():
        if row["run_id"] is not None and row["run_id"] not in in_use.values():
            continue  # superseded by a later registration of the same run folder
        status, current = case_store.artefact_status(case, row["path"], row["sha256"])
        problem = None if status == "ok" else f"{row['role']} {case.path(row['path'])}: {status} since it was recorded"
        if row["role"] == "checkpoint":
            checkpoints[row["run_id"]] = row["path"]
        results.append({**row, "status": status, "current_sha256": current, "problem": problem})
    for run_dir, run_id in in_use.items():
        latest = case_store.latest_checkpoint(run_dir)
        recorded = checkpoints.get(run_id)
        if recorded and latest and os.path.realpath(latest + ".safetensors") != os.path.realpath(case.path(recorded)):
            found, registered = os.path.basename(latest) + ".safetensors", os.path.basename(recorded)
            why = (f"its latest checkpoint is {found}, not the registered {registered}; register the run again"
                   if found != registered else f"its checkpoint is read from {latest}.safetensors but was recorded "
                   f"at {case.path(recorded)}")
            results.append({"path": latest + ".safetensors", "role": "checkpoint", "run_id": run_id,
                            "status": "replaced", "current_sha256": None, "sha256": None, "on_upgrade": 0,
                            "problem": f"run {run_dir}: {why}"})
        elif not recorded:
            results.append({"path": run_dir, "role": "checkpoint", "run_id": run_id, "status": "not verifiable",
                            "current_sha256": None, "sha256": None, "on_upgrade": 0,
                            "problem": f"run {run_dir}: no hash of its checkpoint recorded; it cannot be verified "
                                       f"(register the run again: `case register`)"})
    return results


def verify_audit_chain(case):
    """One-line problems of the audit log's hash chain: edited, inserted or deleted rows."""
    problems, legacy, previous = [], [], None
    for row in case.audit_log():
        if row["hash"] is None:
            if previous is None:
                legacy.append(row)  # written before the chain existed; sealed by the first chained row
            else:
                problems.append(f"audit row {row['id']} ({row['action']}): no hash, inserted outside the tool")
            continue
        expected = previous["hash"] if previous else (legacy_digest(legacy) if legacy else None)
        if row["prev_hash"] != expected:
            after = f"row {previous['id']}" if previous else "the start of the log"
            problems.append(f"audit row {row['id']} ({row['action']}): does not follow {after} "
                            f"(a row was deleted, inserted or edited)")
        if audit_hash(row) != row["hash"]:
            problems.append(f"audit row {row['id']} ({row['action']}): edited after it was written")
        previous = row
    if previous is None and legacy:
        problems.append(f"audit log: {len(legacy)} rows and no hash chain (it was removed by hand)")
    return problems


def verify_rows(case, tables=case_store.SEALED_TABLES):
    """One-line problems of the sealed tables: rows edited, inserted by hand, or deleted (read in one snapshot:
    another process's transaction may commit meanwhile)."""
    with case.snapshot():
        return _verify_rows(case, tables)


def _verify_rows(case, tables):
    seals, legacy = {}, {}
    for row in case.audit_log():
        if row["hash"] is None:
            continue
        try:
            params = json.loads(row["params_json"])
        except ValueError:
            continue  # verify_audit_chain flags the row
        legacy.update(params.get("legacy_rows", {}) if row["action"] == "integrity_upgrade" else {})
        for entry in params.get("rows", []) if isinstance(params, dict) else []:
            if isinstance(entry, list) and len(entry) == 4 and isinstance(entry[1], int):
                table, rowid, digest, columns = entry
                seals[(table, rowid)] = (digest, columns)  # a malformed entry: verify_audit_chain names the row
    problems = []
    for table in tables:
        present = set()
        for (rowid,) in case.conn.execute(f"SELECT rowid FROM {table}"):
            present.add(rowid)
            seal = seals.get((table, rowid))
            if seal is None:
                if rowid > legacy.get(table, 0):
                    problems.append(f"{table} row {rowid}: not recorded in the audit log (inserted by hand)")
            elif row_digest(case.conn, table, rowid, seal[1]) != seal[0]:
                problems.append(f"{table} row {rowid}: edited after it was recorded")
        problems += [f"{table} row {rowid}: deleted after it was recorded"
                     for (t, rowid) in seals if t == table and rowid not in present]
    return problems


def verify_case(case):
    """`case verify` and every report: evidence re-hashed, artefacts re-hashed, the audit
    chain and the row seals checked. {"evidence", "artefacts", "problems" (one line
    each), "ok"}; the check itself is logged."""
    evidence = case_store.verify_evidence(case)
    artefacts = verify_artefacts(case)
    problems = [f"evidence {e['path']}: {e['status']} since intake (SHA-256 recorded {e['sha256']}, now "
                f"{e['current_sha256'] or 'unavailable'})" for e in evidence if e["status"] != "ok"]
    problems += [a["problem"] for a in artefacts if a["problem"]]
    problems += verify_audit_chain(case) + verify_rows(case)
    case.log("case_verified", {"evidence": len(evidence), "artefacts": len(artefacts), "problems": problems})
    return {"evidence": evidence, "artefacts": artefacts, "problems": problems, "ok": not problems,
            "audit_head": case.audit_log()[-1]["hash"]}

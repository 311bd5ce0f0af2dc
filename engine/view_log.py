"""Which of a case's evidence files the analyst took off the window's view.

Removing a file from view never touches the evidence: the file, its intake record and
its verdicts stay in the case (and in its reports); the window only stops listing it.
Both the removal and a later return (the analyst adds the file again) are audit-log
rows, so the log says what was on screen when; the hidden set is read back from them.
"""
import json
import os

from engine.case_workflows import open_case

REMOVED = "evidence_removed_from_view"
RETURNED = "evidence_returned_to_view"


def hidden_evidence(case):
    """Ids of the evidence rows removed from view and not returned since."""
    hidden = set()
    for row in case.conn.execute("SELECT action, params_json FROM audit WHERE action IN (?, ?) ORDER BY id",
                                 (REMOVED, RETURNED)):
        ids = set(json.loads(row["params_json"]).get("evidence_ids", []))
        hidden = hidden | ids if row["action"] == REMOVED else hidden - ids
    return hidden


def remove_from_view(case_dir, path, reason="removed from view by the analyst"):
    """Logs that the case's evidence at `path` (every recorded version) is off the view.

    Returns the evidence ids concerned (empty when the case never took the file in:
    then there is nothing to record)."""
    path = os.path.abspath(path)
    with open_case(case_dir) as case:
        ids = [row["id"] for row in case.conn.execute("SELECT id FROM evidence WHERE path = ? ORDER BY id", (path,))]
        if ids:
            case.log(REMOVED, {"path": path, "evidence_ids": ids, "reason": reason})
    return ids


def return_to_view(case_dir, paths):
    """Logs the return of those `paths` that were removed from view; returns their ids."""
    wanted = {os.path.abspath(p) for p in paths}
    with open_case(case_dir) as case:
        hidden = hidden_evidence(case)
        rows = [row for row in case.evidence() if row["id"] in hidden and row["path"] in wanted]
        ids = [row["id"] for row in rows]
        if ids:
            case.log(RETURNED, {"paths": sorted({row["path"] for row in rows}), "evidence_ids": ids})
    return ids

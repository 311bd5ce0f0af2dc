"""The command line: argparse, one function per sub-command (DESIGN.md, "Command line contract").

Each command function takes the parsed arguments and returns an exit code. Bad input
raises `InputError`, which `run` turns into one line on stderr and exit code 2.
Heavy modules (torch, Qt, librosa) are imported inside the functions that need them.
"""
import argparse
import json
import os
import sys

from engine.errors import InputError


def write_json(path, data):
    """Writes JSON atomically (a temporary file in the same folder, then os.replace)."""
    path = os.path.abspath(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=False)
        fh.write("\n")
    os.replace(tmp, path)


def named_spec(text):
    """Parses NAME=SPEC (a bare SPEC is named after itself)."""
    name, sep, spec = text.partition("=")
    if not sep or not name or ":" in name or "/" in name:
        return text, text
    return name, spec


# --- sub-commands -------------------------------------------------------------------


def cmd_gui(args):
    from gui.app import run_gui

    return run_gui(args)


# --- parser ---------------------------------------------------------------------------


def build_parser():
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="GAN Forensics Workstation: tell real samples from generated ones and say why.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("gui", help="open the workstation window")
    p.add_argument("paths", nargs="*", metavar="PATH", help="evidence files or folders to load")
    p.add_argument("--case", metavar="DIR", help="open this case")
    p.add_argument("--screenshot", metavar="OUT.png", help="load, wait until idle, save the window, exit")
    p.set_defaults(func=cmd_gui)

    return parser


def run(argv):
    parser = build_parser()
    if not argv:
        argv = ["gui"]
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130

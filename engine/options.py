"""Job options declared once: a frozen, keyword-only dataclass per job, one field per option.

A field is declared with `option(...)`: its default, help, and (in the field's metadata)
its fixed choices, whether the command line demands it, and how it is typed there. The
field's annotation gives its value type (`int | None`, `float`, `bool`, `tuple[float, float]`).
From that one declaration

- `add_arguments` builds a sub-command's argparse arguments: `--NAME` (underscores become
  dashes), argparse's type from the annotation, `store_true` for a bool, the default, choices
  and help (with "(default X)" appended); `from_args` turns the parsed arguments back into
  the dataclass;
- the window builds its form rows (gui/option_form.py): the widget from the type and choices,
  the label, the tooltip from the help, and the QSettings key "<group>/<name>";
- the job takes the instance (`as_options` also accepts a mapping of field names, for
  scripts: an unknown name is refused).

Fields with `cli=False` are set by programs only (the window's log interval, a run's name).
Light imports only: the command line builds every parser from these on each run.
"""
import dataclasses
import types
import typing


def option(default=None, help="", *, choices=None, required=False, flag=None, metavar=None, positional=False,
           parse=None, nargs=None, label=None, bounds=None, cli=True):
    """A job option (a dataclass field). choices: the allowed values; required: the command
    line demands it; flag: the option's name there if not the field's (`--fake` for `fakes`);
    positional: an argument without a flag; parse: turns one command-line word into a value;
    nargs: "+" for one or more words (a tuple field takes as many words as it has items, unless
    parse makes the tuple of one word); label and bounds (lowest, highest): the window's form."""
    return dataclasses.field(default=default, metadata={
        "help": help, "choices": choices, "required": required, "flag": flag, "metavar": metavar,
        "positional": positional, "parse": parse, "nargs": nargs, "label": label, "bounds": bounds, "cli": cli})


def option_field(options, name):
    return {f.name: f for f in dataclasses.fields(options)}[name]


def described(options, name):
    """(default, choices, help) of one field of an options dataclass."""
    found = option_field(options, name)
    return found.default, found.metadata["choices"], found.metadata["help"]


def value_type(options, name):
    """The field's value type, None stripped from an optional one (`int | None` -> int)."""
    kind = option_field(options, name).type
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    return kind


def label(options, name):
    """The form's label of a field: its `label`, else its name ("batch_size" -> "Batch size")."""
    return option_field(options, name).metadata["label"] or name.replace("_", " ").capitalize()


def with_default(text, default):
    """Help text with the default appended, as the command line shows it."""
    if default is None or default is False or default == ():
        return text
    shown = " ".join(map(str, default)) if isinstance(default, tuple) else default
    return f"{text} (default {shown})" if text else f"default {shown}"


def argparse_options(options, name):
    """The add_argument keywords of one field: its default, choices, help, type and arity."""
    found = option_field(options, name)
    meta, kind = found.metadata, value_type(options, name)
    if kind is bool:
        return {"action": "store_true", "default": found.default, "help": meta["help"]}
    keywords = {"default": found.default, "choices": meta["choices"], "help": with_default(meta["help"], found.default)}
    if typing.get_origin(kind) is tuple:  # the words' type; tuple[float, float] without parse: two words
        items = typing.get_args(kind)
        if not (meta["nargs"] or meta["parse"]):
            keywords["nargs"] = len(items)
        kind = items[0]
    if meta["nargs"]:
        keywords["nargs"] = meta["nargs"]
    if meta["parse"] or kind in (int, float):
        keywords["type"] = meta["parse"] or kind
    if meta["metavar"]:
        keywords["metavar"] = meta["metavar"]
    if meta["positional"]:
        del keywords["default"]
    elif meta["required"]:
        keywords["required"] = True
    return keywords


def cli_fields(options):
    return [f for f in dataclasses.fields(options) if f.metadata["cli"]]


def add_arguments(parser, options):
    """Adds every command-line field of `options` to an argparse (sub-)parser, required ones first."""
    for found in sorted(cli_fields(options), key=lambda f: not (f.metadata["required"] or f.metadata["positional"])):
        meta = found.metadata
        if meta["positional"]:
            parser.add_argument(found.name, **argparse_options(options, found.name))
        else:
            flag = "--" + (meta["flag"] or found.name).replace("_", "-")
            parser.add_argument(flag, dest=found.name, **argparse_options(options, found.name))


def from_args(options, args):
    """The options a parsed command line holds (fields it does not offer keep their defaults)."""
    values = {found.name: getattr(args, found.name) for found in cli_fields(options)}
    return options(**{name: tuple(value) if isinstance(value, list) else value for name, value in values.items()})


def as_options(options, params):
    """`params` as an instance of `options`: itself, or a mapping of field names (TypeError
    names an unknown one)."""
    return params if isinstance(params, options) else options(**params)

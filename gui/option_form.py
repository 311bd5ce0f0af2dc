"""Form rows built from a job's options dataclass (engine/options.py): the widget from the
field's type and choices, its label, its tooltip from the help, its QSettings key, and its
value read back. A view lists the fields it offers; everything else comes from the field.

A field with choices is a combo box, a bool a check box, an int or float with a default a
spin box (bounds from the field, else 0 up), anything else a line edit (its text; empty is
None for a number; a tuple field with `parse` takes several words, as on the command line).
"""
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from engine.options import described, option_field, value_type

INT_MAX = 2**31 - 1


def settings_key(group, name):
    """The QSettings key of a remembered field: "<group>/<field name>"."""
    return f"{group}/{name}"


def tooltip(options, name):
    text = described(options, name)[2]
    return text[:1].upper() + text[1:]


def make_widget(options, name):
    """A widget for one field, holding its default."""
    default, choices, _ = described(options, name)
    kind, bounds = value_type(options, name), option_field(options, name).metadata["bounds"]
    if choices:
        widget = QComboBox()
        widget.addItems(list(choices))
    elif kind is bool:
        widget = QCheckBox()
    elif kind is int and default is not None:
        widget = QSpinBox()
        widget.setRange(*(bounds or (0, INT_MAX)))
    elif kind is float and default is not None:
        widget = QDoubleSpinBox()
        widget.setDecimals(6)
        widget.setRange(*(bounds or (0.0, 1e6)))
    else:
        widget = QLineEdit()
    set_value(widget, default)
    widget.setToolTip(tooltip(options, name))
    return widget


def offer(widget, options, name):
    """Shows the field of `options` in a widget made for a field of that name of another job's
    options: its tooltip, and for a combo box whose choices differ, those choices with the
    default chosen. Any other value the widget holds stays (the form keeps what was typed)."""
    widget.setToolTip(tooltip(options, name))
    default, choices, _ = described(options, name)
    if isinstance(widget, QComboBox) and tuple(widget.itemText(i) for i in range(widget.count())) != tuple(choices):
        widget.clear()
        widget.addItems(list(choices))
        widget.setCurrentText(default)


def set_value(widget, value):
    if isinstance(widget, QComboBox):
        widget.setCurrentText(str(value))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        widget.setValue(value)
    else:
        widget.setText("" if value in (None, ()) else str(value))


def value(widget, options, name):
    """The field's value as the widget holds it (ValueError: a line edit's text is not a number)."""
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return widget.value()
    text, kind = widget.text().strip(), value_type(options, name)
    parse = option_field(options, name).metadata["parse"]
    if parse:
        return tuple(parse(word) for word in text.replace(",", " ").split())
    if kind in (int, float):
        return kind(text) if text else None
    return text

"""The Help menu's windows: a short user guide, the keyboard shortcuts (read from the
window's own actions, so the list cannot drift from them), and About (version, licences)."""
import html
import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUIDE_PICTURES = os.path.join(ROOT, "resources", "guide")  # small copies of docs/img (docs/screenshots.py)
DATA_LICENCES = (  # resources/ folder, what it is, its licence
    ("mnist", "MNIST test set (builtin:mnist)", "CC BY-SA 3.0"),
    ("digits", "scikit-learn digits (builtin:digits)", "BSD-3-Clause (scikit-learn), CC BY 4.0 (UCI)"),
    ("fsdd", "Free Spoken Digit Dataset subset (builtin:fsdd)", "CC BY-SA 4.0"),
    ("bach", "Bach chorales from music21's corpus (builtin:bach)", "public domain; music21 BSD-3-Clause"),
)
LIBRARIES = (("Qt for Python (PySide6)", "LGPL-3.0"), ("pyqtgraph", "MIT"), ("PyTorch", "BSD-3-Clause"),
             ("NumPy", "BSD-3-Clause"), ("SciPy", "BSD-3-Clause"), ("librosa", "ISC"), ("soundfile", "BSD-3-Clause"),
             ("pretty_midi", "MIT"), ("mido", "MIT"), ("soxr", "LGPL-2.1"), ("PyAV", "BSD-3-Clause"),
             ("FFmpeg libraries in PyAV's wheel", "LGPL-3.0-or-later"), ("Pillow", "MIT-CMU"),
             ("ReportLab", "BSD"), ("safetensors", "Apache-2.0"), ("sounddevice", "MIT"), ("Matplotlib", "PSF-based"),
             ("pypdf", "BSD-3-Clause"), ("fontTools", "MIT"))

GUIDE = """
<h2>The analyst's workflow</h2>
<ol>
<li><b>Open a case</b> (File ▸ Open case, Ctrl+O) or create one (File ▸ New case, Ctrl+N): a folder and
its <i>reference</i>, the real data that evidence is judged against (<code>builtin:digits</code>,
<code>builtin:fsdd</code>, <code>builtin:bach</code>, a folder of your own files…). A window shows one
case; File ▸ Close case (Ctrl+W) clears every view.</li>
<p><img src="case-switch.png" width="600"></p>
<li><b>Add evidence</b>: drag files or folders onto the window, or Add evidence (Ctrl+E). Each file is
hashed and recorded in the case, then judged: a badge (GENERATED, LIKE REAL, INCONCL.) appears on its
thumbnail. Files that cannot be read or judged are listed under the grid with the reason.</li>
<p><img src="evidence.png" width="600"></p>
<li><b>Read the reasons</b>: select a file to see its finding, the strength of evidence and every reason
on the right, in the report's words;
double-click it (or Open sample detail) for the Sample view: the image, spectrogram (Hz, seconds, dB)
or piano roll, with a value readout under the mouse, the waveform and playback (Space) for recordings,
and the file's intensity histogram beside the case reference's.</li>
<p><img src="sample-speech.png" width="600"></p>
<li><b>Compare sets</b> (Compare view): the reference against generated or suspect sets — intensity
histograms, ECDFs, spectral centroid and slope moments, KS and JSD.</li>
<li><b>Train models</b> (Training view): a GAN on the case's reference, a classifier or an inverse
model; finished runs join the case and its verdicts. Stop keeps a checkpoint; Resume continues a
run chosen under <i>Resume run</i>. The loss plot has smoothing, log scale and Reset zoom; beside it,
the KS distance and Jensen–Shannon divergence of the samples to the training data over the steps.</li>
<p><img src="training.png" width="600"></p>
<li><b>Export the report</b> (File ▸ Export report, Ctrl+R): a PDF another expert can follow.</li>
</ol>
<p><b>Remove from view</b> (Delete) takes a file off the grid; the evidence stays in the case and in
its reports, and the removal is written to the case's audit log. Adding the file again shows it again.</p>
<p>Anything that failed is kept in the <b>Notifications</b> pane (View ▸ Notifications) with its full
reason; select lines and press Ctrl+C (or Copy) to copy them.</p>
<p>The full guide with screenshots is <code>docs/gui.md</code> in the project.</p>
"""


def _dialog(parent, title, body, name):
    dialog = QDialog(parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.resize(680, 600)
    text = QTextBrowser()
    text.setOpenExternalLinks(True)
    text.setSearchPaths([GUIDE_PICTURES])
    text.setHtml(body)
    buttons = QDialogButtonBox(QDialogButtonBox.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.text = text
    return dialog


def guide_dialog(parent):
    return _dialog(parent, "User guide", GUIDE, "guide")


def shortcuts_html(actions):
    """A table of (menu path, shortcut) for every action with a shortcut."""
    rows = "".join(f"<tr><td>{html.escape(text)}</td><td><b>{html.escape(key)}</b></td></tr>"
                   for text, key in actions)
    return (f"<h3>Keyboard shortcuts</h3><table cellpadding='3'>{rows}"
            "<tr><td>Sample view ▸ play / stop</td><td><b>Space</b></td></tr>"
            "<tr><td>Evidence view ▸ remove the selected files from view</td><td><b>Del</b></td></tr>"
            "</table>")


def shortcuts_dialog(parent, actions):
    return _dialog(parent, "Keyboard shortcuts", shortcuts_html(actions), "shortcuts")


def about_html():
    from engine.case import tool_version

    data = "".join(f"<li>{html.escape(what)}: {html.escape(licence)} "
                   f"(<code>resources/{folder}/LICENSE.txt</code>)</li>" for folder, what, licence in DATA_LICENCES)
    libraries = ", ".join(f"{html.escape(name)} ({licence})" for name, licence in LIBRARIES)
    return (f"<h2>GAN Forensics Workstation</h2><p>Version {html.escape(tool_version())}. "
            "Tells real samples (images, speech, MIDI) from samples made by generative models, and says why.</p>"
            "<p>Licence: MIT.</p>"
            f"<h3>Embedded data</h3><ul>{data}</ul>"
            f"<h3>Libraries</h3><p>{libraries}</p>"
            "<p>Methods: TequilaGAN (intensity distributions, spectral centroid and slope, specifications), "
            "generative-model authorship, sequential GAN-vs-classifier rounds — see the report's methods "
            "section.</p>")


def about_dialog(parent):
    dialog = _dialog(parent, "About GAN Forensics Workstation", about_html(), "about")
    dialog.text.setTextInteractionFlags(Qt.TextBrowserInteraction)
    return dialog

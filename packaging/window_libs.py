"""Which system libraries the window (Qt's xcb platform plugin) and audio playback lack here.

`make run` calls this before opening the window: Qt itself only says "could not load the Qt
platform plugin xcb" (naming libxcb-cursor0 even when libxcb-icccm4 is what is missing).
Prints one line per missing library with its Debian/Ubuntu package and the apt-get command;
exit status 1 when the window cannot start, 0 otherwise (missing playback only warns).
"""
import ctypes.util
import os
import re
import subprocess
import sys

# Library file -> Debian/Ubuntu package, where the usual naming rule does not give it.
PACKAGES = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
            "libX11-xcb.so.1": "libx11-xcb1", "libX11.so.6": "libx11-6"}


def package_of(library):
    """libxcb-icccm.so.4 -> libxcb-icccm4, libxkbcommon-x11.so.0 -> libxkbcommon-x11-0."""
    if library in PACKAGES:
        return PACKAGES[library]
    match = re.match(r"(.+)\.so\.(\d+)", library)
    if not match:
        return library
    name, version = match.groups()
    return (name + ("-" if name[-1].isdigit() else "") + version).lower()


def missing_for_window():
    import PySide6

    plugin = os.path.join(os.path.dirname(PySide6.__file__), "Qt", "plugins", "platforms", "libqxcb.so")
    if not os.path.exists(plugin):
        return []
    found = subprocess.run(["ldd", plugin], capture_output=True, text=True).stdout
    return sorted({line.split()[0] for line in found.splitlines() if "not found" in line})


def main():
    window = missing_for_window()
    playback = [] if ctypes.util.find_library("portaudio") else ["libportaudio.so.2"]
    for library in window:
        print(f"the window cannot start: {library} is missing (package {package_of(library)})", file=sys.stderr)
    for library in playback:
        print(f"audio playback will be off: {library} is missing (package {package_of(library)})", file=sys.stderr)
    if window or playback:
        packages = " ".join(sorted({package_of(lib) for lib in window + playback}))
        print(f"on Debian/Ubuntu: sudo apt-get install {packages}", file=sys.stderr)
    return 1 if window else 0


if __name__ == "__main__":
    sys.exit(main())

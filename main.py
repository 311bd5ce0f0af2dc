"""GAN Forensics Workstation: no arguments opens the GUI, a sub-command runs the command line."""
import sys


def launch_gui(args):
    from gui.app import run_gui

    return run_gui(args)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    from engine.cli import run

    return run(argv, gui_launcher=launch_gui)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen app's spawned workers re-enter here
    sys.exit(main())

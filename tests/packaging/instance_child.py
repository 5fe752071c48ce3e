"""A second, real VAE Manager process for the single-instance tests.

``python instance_child.py NAME primary``: claim NAME, print ``ready``, print the
first files received as JSON and exit. ``crash``: claim, print ``ready``, die by
SIGKILL (leaving the socket file behind). ``forward FILE...``: hand the files
over; exit 0 when a running instance took them, 3 when this one became primary.
"""

from __future__ import annotations

import json
import os
import signal
import sys

from PySide6.QtCore import QCoreApplication, QTimer

from app.gui.single_instance import claim_or_forward


def main(name: str, mode: str, files: list[str]) -> int:
    app = QCoreApplication([])
    instance = claim_or_forward(files, name)
    if mode == "forward":
        return 0 if instance is None else 3
    if instance is None or not instance.is_listening:
        return 4
    print("ready", flush=True)
    if mode == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    received: list[str] = []
    instance.files_received.connect(lambda paths: (received.extend(paths), app.quit()))
    QTimer.singleShot(60_000, app.quit)
    app.exec()
    print(json.dumps(received), flush=True)
    return 0 if received else 5


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))

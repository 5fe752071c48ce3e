"""The main window, split by concern: layout and wiring, menus, drag and drop."""

from app.gui.main_window.window import MainWindow, WindowOptions

__all__ = ["MainWindow", "WindowOptions"]

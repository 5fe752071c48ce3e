"""User actions as single core functions, each recorded in the journal so it can be undone.

One module per action, the same functions for the window and the command line:

- link: :func:`link.link_into` (plan + apply), :func:`link.apply_link_changes` (the
  link dialog's Apply: ticked entries created and unticked links removed, one operation)
- unlink: :func:`unlink.unlink` (link paths, or a library file's links in some installs)
- remove: :func:`remove.remove` (app links first, then the files to the trash)
- import: :func:`import_files.import_files`; library move: :func:`library_move.move_library`
- set default / pair: :mod:`set_default`, :mod:`pair` (on the same journal)
- what the app linked where: :func:`links.list_links`
- undo: :func:`undo.undo`, with :func:`undo.undo_description` for menus

:mod:`journal` records operations and their steps. Import the modules directly
(``from app.core.operations.undo import undo``); this package imports nothing on its
own so loading one action stays cheap.
"""

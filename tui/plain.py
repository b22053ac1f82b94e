"""Text shown as it is written: never read as markup.

Textual and rich read a plain ``str`` as markup wherever it becomes something
on screen: ``Static``/``Label``/``update()``, a rich ``Table`` cell, a
``DataTable`` cell, a ``Tree`` label, a ``Select`` option, ``notify()``. Text
from the register, from git or from an error may hold ``[`` … ``]``:
``[/oops]`` would be a MarkupError that closes the app, ``[@click=app.quit]``
a link. So every text that is not a literal of this code reaches a widget as a
``rich.text.Text`` built here (styles are given as arguments, never as markup),
and every ``notify()`` passes ``markup=False``.

:func:`literal` is for text the model has checked (an entry's fields,
``registry.toml``); :func:`outside` for text from outside it (git authors and
messages, file names, old versions of files, error messages), which also shows
control and bidi characters as ``⟨U+202E⟩`` (:func:`todokede.registry.views.display.visible`).
"""

from __future__ import annotations

from rich.text import Text

from todokede.registry.views.display import visible


def literal(text: str, style: str = "") -> Text:
    """``text`` exactly as written, in ``style``."""
    return Text(text, style)


def outside(text: str, style: str = "", *, multiline: bool = False) -> Text:
    """Text from outside the checked fields, hidden characters shown as marks.

    Line breaks and tabs are kept with ``multiline``, else shown as marks too.
    """
    return Text(visible(text, multiline=multiline), style)


def shown(text: str, *, multiline: bool = True) -> str:
    """Text from outside for a place that takes a ``str`` with markup off
    (``notify(..., markup=False)``): hidden characters shown as marks."""
    return visible(text, multiline=multiline)

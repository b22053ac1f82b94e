"""Parse a large register's files on every core: helper processes take shares.

Parsing TOML is most of a load (``tomllib`` is pure Python: about 0.2 ms a file,
a second on 5,000 entries) and holds the GIL, so threads do not help. On a
register of many files and a machine of several cores, :func:`parsed_files`
starts helper processes (``python -I -S``, importing only :mod:`todokede.registry.files.tomlread`:
a few milliseconds each) that read and parse the tail of the list and hand back
text and data pickled, while this process parses the head and its caller checks
what it gets. Results come in the order of the paths, identical to reading them
here; a helper that fails in any way (cannot start, dies, answers garbage) only
means its share is read here after all.

Hand-written because ``multiprocessing`` and ``concurrent.futures`` start their
workers by forking this process (pydantic, the models and, in the TUI, Textual
and its threads, which fork does not carry safely) or by ``spawn``, which
imports the caller's ``__main__`` again and costs more than it saves here.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Generator
from pathlib import Path
from typing import Any, Final

import todokede
from todokede.registry.files.tomlread import TomlProblem, read_toml

#: Below this many files a helper costs more than it saves.
MIN_FILES_PER_HELPER: Final = 400
#: The most helpers one load starts.
MAX_HELPERS: Final = 7
#: Environment variable capping the helpers (0: none), e.g. on a shared server.
HELPERS_VAR: Final = "TODOKEDE_HELPERS"
#: The share of this process, relative to a helper's. It also checks every entry,
#: a helper also pickles what it parsed: measured on 5,000 entries, equal shares
#: were quickest (a load 0.85 s; 0.98 s with 0.8).
OWN_SHARE: Final = 1.0

#: What a file became: its text and data, or why it cannot be read.
Parsed = tuple[str, dict[str, Any]] | TomlProblem

#: Run by each helper: ``-S`` leaves out site-packages (and so the editable install's
#: finder), so the two package folders are given (argv[1]: todokede's, argv[2]: the
#: registry's) and set up by hand, without running any package's ``__init__``.
HELPER_BOOTSTRAP: Final = (
    "import sys, types\n"
    "for name, folder in (('todokede', sys.argv[1]), ('todokede.registry', sys.argv[2])):\n"
    "    package = types.ModuleType(name); package.__path__ = [folder]\n"
    "    sys.modules[name] = package\n"
)
_HELPER_CODE: Final = HELPER_BOOTSTRAP + (
    "from todokede.registry.files.parse_pool import serve; serve()"
)


def helper_arguments() -> list[str]:
    """The package folders a helper is given (see :data:`HELPER_BOOTSTRAP`)."""
    return [
        str(Path(todokede.__file__).resolve().parent),
        str(Path(__file__).resolve().parents[1]),
    ]


def parse_one(path: Path) -> Parsed:
    """One file, read and parsed here."""
    try:
        return read_toml(path)
    except TomlProblem as problem:
        return problem


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _allowed() -> int:
    """The most helpers ``TODOKEDE_HELPERS`` allows (0: parse in this process only)."""
    try:
        return max(0, int(os.environ.get(HELPERS_VAR, "")))
    except ValueError:  # unset or not a number
        return MAX_HELPERS


def helper_count(files: int, cores: int | None = None) -> int:
    """How many helpers are worth starting for ``files`` files."""
    if getattr(sys, "frozen", False):  # a bundled app: sys.executable is not a Python
        return 0
    cores = _cores() if cores is None else cores
    return max(0, min(cores - 1, files // MIN_FILES_PER_HELPER - 1, MAX_HELPERS, _allowed()))


def shares(files: int, helpers: int) -> list[int]:
    """How many files each takes: this process first, then each helper."""
    if helpers == 0:
        return [files]
    own = int(files * OWN_SHARE / (helpers + OWN_SHARE))
    rest = files - own
    sizes = [own] + [rest // helpers] * helpers
    sizes[-1] += rest - sum(sizes[1:])
    return sizes


class _Helper:
    """One helper process parsing a slice of the paths."""

    def __init__(self, paths: list[Path], python: str | None = None) -> None:
        self.paths = paths
        self.process: subprocess.Popen[bytes] | None = None
        self.feeder: threading.Thread | None = None
        try:
            self.process = subprocess.Popen(
                [python or sys.executable, "-I", "-S", "-c", _HELPER_CODE, *helper_arguments()],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except (OSError, ValueError):  # cannot start: read here
            return
        # The paths outgrow a pipe's buffer: written aside, this process does not
        # wait for the helper to start before parsing its own share.
        self.feeder = threading.Thread(target=self._feed, args=(self.process,), daemon=True)
        try:
            self.feeder.start()
        except RuntimeError:  # no thread to spare: read here
            self.feeder = None
            self.stop()

    def _feed(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None
        try:
            with process.stdin:
                process.stdin.write(b"\0".join(os.fsencode(path) for path in self.paths))
        except (OSError, ValueError):  # the helper died: its answer will be refused
            pass

    def stop(self) -> None:
        """End the helper, if it runs, and close its pipes."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None
        if self.feeder is not None:
            self.feeder.join()
            self.feeder = None

    def results(self) -> list[Parsed]:
        """What the helper parsed, or the same read here if it failed."""
        answer = self._answer()
        if answer is None:
            return [parse_one(path) for path in self.paths]
        return answer

    def _answer(self) -> list[Parsed] | None:
        if self.process is None or self.process.stdout is None:
            return None
        try:
            raw = self.process.stdout.read()
            status = self.process.wait()
            self.stop()
            if status != 0:
                return None
            answer = pickle.loads(raw)
            if not isinstance(answer, list) or len(answer) != len(self.paths):
                return None
            return [_parsed(item) for item in answer]
        except Exception:  # any failure only means: read here
            self.stop()
            return None


def _parsed(item: Any) -> Parsed:
    text, data, message, line = item
    if message is not None:
        return TomlProblem(str(message), line if isinstance(line, int) else None)
    if not isinstance(text, str) or not isinstance(data, dict):
        raise TypeError("not a parsed file")
    return text, data


def parsed_files(paths: list[Path], helpers: int | None = None) -> Generator[Parsed, None, None]:
    """Each path's text and data (or problem), in order, parsed on every core.

    The caller's own share is parsed as it asks, so its checks of one file
    overlap the helpers' parsing of theirs. ``helpers`` overrides
    :func:`helper_count` (tests).
    """
    count = helper_count(len(paths)) if helpers is None else helpers
    own, *theirs = shares(len(paths), count)
    started: list[_Helper] = []
    try:
        start = own
        for size in theirs:
            started.append(_Helper(paths[start : start + size]))
            start += size
        for path in paths[:own]:
            yield parse_one(path)
        for helper in started:
            yield from helper.results()
    finally:  # the caller stopped early: no helper outlives it
        for helper in started:
            helper.stop()


def serve() -> None:
    """A helper's work: NUL-separated paths on stdin, pickled results on stdout."""
    raw = sys.stdin.buffer.read()
    answer: list[tuple[str | None, dict[str, Any] | None, str | None, int | None]] = []
    for name in raw.split(b"\0") if raw else []:
        parsed = parse_one(Path(os.fsdecode(name)))
        if isinstance(parsed, TomlProblem):
            answer.append((None, None, parsed.message, parsed.line))
        else:
            answer.append((parsed[0], parsed[1], None, None))
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))

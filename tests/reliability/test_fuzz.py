"""Fuzzing with hypothesis: the TOML loader, the 和暦 parser and the command line.

Whatever the input, the loader returns problems (never raises), the date parser
raises only WarekiError, and the command line exits 0, 1 or 2 with one clear
line (``エラー: …``, click's usage errors too), never a traceback and never the
last-resort "unexpected error". Example counts are fixed (``max_examples``) so
the run is the same on every machine; the figures are in FUZZ_EXAMPLES.
"""

from __future__ import annotations

import string
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.support.gitrepos import committed_register
from tests.support.samples import MINIMAL_CONFIG, VALID_ENTRY
from todokede.registry.files.store import check_entry_file, load_register
from todokede.registry.schema.catalog import builtin_catalog
from todokede.registry.schema.model import Entry, RegistryConfig
from todokede.registry.schema.wareki import WarekiError, parse_date
from todokede.tui.cli import cli
from todokede.tui.cli.clihelp import run

#: Examples per property; 2,550 in all.
FUZZ_EXAMPLES = {
    "loader_bytes": 300,
    "loader_text": 300,
    "loader_documents": 300,
    "loader_mutations": 300,
    "wareki_text": 600,
    "wareki_shapes": 450,
    "cli_argv": 300,
}
# The autouse fixture isolating HOME runs once per test, not per example; that is
# what is wanted here (nothing an example does depends on it being fresh).
FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}

CONFIG = RegistryConfig.model_validate(__import__("tomllib").loads(MINIMAL_CONFIG))
CATALOG = builtin_catalog()


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "reg"
        (root / "entries").mkdir(parents=True)
        (root / "registry.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
        yield root


def load_checked(root: Path, data: bytes) -> None:
    """Write ``data`` as an entry file: the loader gives an entry or problems, nothing else."""
    path = root / "entries" / "fuzz.toml"
    path.write_bytes(data)
    entry, problems = check_entry_file(root, path, CONFIG, CATALOG)
    assert entry is not None or any(p.severity == "error" for p in problems)
    for problem in problems:
        assert problem.file == "entries/fuzz.toml" and problem.message
        assert problem.line is None or problem.line >= 1
    register = load_register(root)
    assert register.files_read == 1
    assert ("fuzz" in register.entries) != ("fuzz" in register.invalid)


@settings(max_examples=FUZZ_EXAMPLES["loader_bytes"], **FUZZ)  # type: ignore[arg-type]
@given(st.binary(max_size=3000))
def test_loader_never_raises_on_bytes(scratch: Path, data: bytes) -> None:
    load_checked(scratch, data)


@settings(max_examples=FUZZ_EXAMPLES["loader_text"], **FUZZ)  # type: ignore[arg-type]
@given(st.text(max_size=2000))
def test_loader_never_raises_on_text(scratch: Path, text: str) -> None:
    load_checked(scratch, text.encode("utf-8", "surrogatepass"))


FIELDS = [*Entry.model_fields, "extra", "filings", "date", "kind"]
SCALARS = (
    st.text(max_size=30)
    | st.integers()
    | st.booleans()
    | st.dates()
    | st.sampled_from(
        ["start", "change", "abolish", "active", "abolished", "課税課", "平成28年3月22日"]
    )
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=FUZZ_EXAMPLES["loader_documents"], **FUZZ)  # type: ignore[arg-type]
@given(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=12))
def test_loader_never_raises_on_toml_documents(scratch: Path, document: dict[str, Any]) -> None:
    """TOML-ish entries: the right keys with values of every type and shape."""
    load_checked(scratch, tomlkit.dumps(document).encode("utf-8"))


@settings(max_examples=FUZZ_EXAMPLES["loader_mutations"], **FUZZ)  # type: ignore[arg-type]
@given(
    st.integers(0, len(VALID_ENTRY)),
    st.integers(0, 40),
    st.text(alphabet=st.sampled_from(list("[]{}=\"'\n#.,-:01 abc\\\u202e\x00年")), max_size=20),
)
def test_loader_never_raises_on_mutated_entries(
    scratch: Path, at: int, cut: int, insert: str
) -> None:
    """A valid entry with a piece cut out and TOML punctuation put in."""
    text = VALID_ENTRY[:at] + insert + VALID_ENTRY[at + cut :]
    load_checked(scratch, text.encode("utf-8", "surrogatepass"))


def parse_or_refuse(text: str) -> None:
    try:
        result = parse_date(text)
    except WarekiError as error:
        assert str(error)
        return
    assert isinstance(result, date) and result >= date(1873, 1, 1)


@settings(max_examples=FUZZ_EXAMPLES["wareki_text"], **FUZZ)  # type: ignore[arg-type]
@given(st.text(max_size=40))
def test_wareki_parser_raises_only_wareki_errors_on_text(text: str) -> None:
    parse_or_refuse(text)


DIGITS = st.text(
    alphabet=st.sampled_from(list("0123456789０１２３４５６７８９٣元")), min_size=0, max_size=5
)
PIECES = st.sampled_from(
    ["明治", "大正", "昭和", "平成", "令和", "M", "T", "S", "H", "R", "h", "Ｈ", "年", "月", "日",
     ".", "/", "-", " ", "（火）", "(月曜)", "(水曜日)", "　"]
)  # fmt: skip


@settings(max_examples=FUZZ_EXAMPLES["wareki_shapes"], **FUZZ)  # type: ignore[arg-type]
@given(st.lists(PIECES | DIGITS, max_size=10))
def test_wareki_parser_raises_only_wareki_errors_on_date_shapes(parts: list[str]) -> None:
    """Strings made of era names, letters, digits and separators: close to real dates."""
    parse_or_refuse("".join(parts))


COMMANDS = ["check", "new", "file", "log", "diff", "report", "reminders", "export", "sync", "hook"]
OPTIONS = [
    "--format", "--strict", "--audit", "--kind", "--date", "--summary", "--review", "--author",
    "--since", "--until", "--from", "--to", "-o", "--as-of", "--department", "--name",
    "--remote", "--identity-var", "--allow-unconfigured", "--force", "--help", "--registry",
]  # fmt: skip
VALUES_CLI = [
    "text", "json", "md", "html", "csv", "xlsx", "start", "change", "abolish", "install",
    "kazei-kojin-juminzei", "new-entry", "../x", "/etc/passwd", "課税課", "税務課",
    "2016-03-22", "平成28年3月22日", "H28.3.22", "令和元年5月1日", "2016-02-30", "HEAD", "HEAD~1",
    "out.md", "out.xlsx", "氏名 <a@b>", "nobody", "", "-", "--", "\u202e", "\x1b[31m",
]  # fmt: skip
IDS = ["kazei-kojin-juminzei", "new-entry", "../x", "/etc/passwd", "x\u202e", "HEAD", "HEAD~1", ""]
DATES = ["2016-03-22", "平成28年3月22日", "H28.3.22", "令和元年5月1日", "２０１６－０３－２２", "2016-02-30",
         "平成32年1月1日", "2030-01-01", "1800-01-01"]  # fmt: skip
JUNK = st.text(alphabet=string.printable + "あ課\u202e", max_size=12)
TOKEN = st.sampled_from(OPTIONS) | st.sampled_from(VALUES_CLI) | JUNK


def _command_argv(name: str) -> st.SearchStrategy[list[str]]:
    """A command with its own options (values from its choices or the pool), and arguments."""
    import click

    command = cli.commands[name]
    if isinstance(command, click.Group):  # hook: its one subcommand
        sub = next(iter(command.commands.values()))
        return _options_of(sub).map(lambda rest: [name, sub.name or "", *rest])
    return _options_of(command).map(lambda rest: [name, *rest])


def _with(option: str) -> Any:
    def pair(value: str) -> list[str]:
        return [option, value]

    return pair


def _options_of(command: Any) -> st.SearchStrategy[list[str]]:
    import click

    pieces: list[st.SearchStrategy[list[str]]] = []
    for param in command.params:
        if isinstance(param, click.Argument):
            valid = st.sampled_from(["kazei-kojin-juminzei", "new-entry"])
            pieces.append(
                st.one_of(valid, valid, valid, st.sampled_from(IDS), JUNK).map(lambda a: [a])
            )
            continue
        values: st.SearchStrategy[str]
        if isinstance(param.type, click.Choice):
            values = st.sampled_from([str(choice) for choice in param.type.choices])
        elif param.type.name == "DATE":
            values = st.sampled_from(DATES)
        else:
            values = st.sampled_from(VALUES_CLI)
        name: str = param.opts[0]
        flag = st.just([name]) if param.is_flag else values.map(_with(name))
        pieces.append(flag if param.required else st.one_of(st.just([]), flag))
    junk = st.one_of(*[st.just([])] * 9, st.lists(TOKEN, min_size=1, max_size=1))
    return st.tuples(*pieces, junk).map(lambda parts: [x for part in parts for x in part])


#: Mostly a command with its options and values (so that commands run), sometimes junk.
_COMMAND_LINES = st.sampled_from(COMMANDS).flatmap(_command_argv)
ARGV = st.one_of(
    _COMMAND_LINES,
    _COMMAND_LINES,
    _COMMAND_LINES,
    st.lists(st.sampled_from(COMMANDS) | TOKEN, max_size=8),
)


@pytest.fixture(scope="module")
def cli_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed register to run commands on (they may file, create entries, write reports)."""
    base = tmp_path_factory.mktemp("fuzz-cli")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(base))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        root = committed_register(base / "reg")
    return root


@settings(max_examples=FUZZ_EXAMPLES["cli_argv"], **FUZZ)  # type: ignore[arg-type]
@given(argv=ARGV)
def test_command_line_never_shows_a_traceback(
    cli_register: Path,
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    git_identity: None,
) -> None:
    """Random command lines on a real register: an exit code of the contract, one clear line.

    ``init``, ``demo`` and ``tui`` are not drawn (they create registers or open the
    app); relative paths (``-o out.md``, ``hook install x``) land in the register.
    """
    monkeypatch.chdir(cli_register)
    args = ["--registry", str(cli_register), *argv]
    code = run(cli, args)
    out, err = capsys.readouterr()
    event(f"exit {code}")
    assert code in (0, 1, 2), (args, code, out, err)
    assert "Traceback" not in out + err
    assert "予期しないエラー" not in err, (args, err)
    if code == 1 and not err and argv[:1] == ["check"]:
        assert "検査しました" in out or '"ok": false' in out  # problems are check's output
    elif code != 0 and "--help" not in argv:
        errors = [line for line in err.splitlines() if line.startswith("エラー: ")]
        # one line (click's usage errors too, in Japanese), or a group's help when it
        # is given no command
        assert (len(errors) == 1 and err.count("\n") == 1) or (
            code == 2 and err.startswith("Usage: ") and "Error:" not in err
        ), (args, err)
    assert "\u202e" not in err

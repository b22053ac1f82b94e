"""Hostile inputs of issue 11: output targets, dates at the calendar's ends, formula
cells, invisible characters and byte order marks, files entries/ holds but never reads.

Every bad input gets one clear Japanese line and an exit code of the contract (0
done, 1 content wrong, 2 bad usage), never a traceback nor the unexpected-error
line, and nothing on disk is harmed: a symbolic link, a FIFO or a device named as
an output stays what it was.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
import socket
import stat
import threading
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.support.gitrepos import ENTRY_ID, committed_register, git, head
from tests.support.samples import MINIMAL_CONFIG, VALID_ENTRY, CliRunner
from todokede.registry.files.parse_pool import parse_one, parsed_files
from todokede.registry.files.store import (
    TEMP_SUFFIX,
    EntryFile,
    Register,
    atomic_write,
    load_register,
)
from todokede.registry.schema.model import RegistryConfig
from todokede.registry.schema.rules import check_entry_data, last_basis_day
from todokede.registry.schema.wareki import GREGORIAN_START, format_short, format_wareki, parse_date
from todokede.registry.views.display import has_hidden, visible
from todokede.registry.views.overview import entry_marks
from todokede.registry.views.review import reminders, review_of
from todokede.reports.council import build_council_report
from todokede.reports.formula import formula_like
from todokede.reports.output import OutputRefused, render, write_output
from todokede.reports.reminders import build_reminders
from todokede.reports.render_csv import defuse
from todokede.reports.statutory_book import book_of_register
from todokede.tui.cli import cli
from todokede.tui.cli.clihelp import run

REPORT = ("report", "--from", "2005-01-01", "--to", "2005-12-31")
LINK_REFUSAL = "シンボリックリンクには書き出しません（リンク先のファイル名を指定してください）"


def cli_run(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    """The real command line, in-process (same code as the console script)."""
    code = run(cli, ["--registry", str(root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error(err: str) -> str:
    """The one error line of a refusal (no traceback, no unexpected error)."""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("エラー: "), err
    assert "Traceback" not in err and "予期しないエラー" not in err
    return lines[0]


@pytest.fixture
def register(tmp_path: Path, git_identity: None) -> Path:
    return committed_register(tmp_path / "reg")


def entry_file(root: Path) -> Path:
    return root / "entries" / f"{ENTRY_ID}.toml"


def add_filing(root: Path, day: str, kind: str = "change", review: bool = True) -> int:
    """Append a filing to the entry file; the line of its ``date``."""
    path = entry_file(root)
    text = path.read_text("utf-8")
    line = text.count("\n") + 3
    flag = "review = true\n" if review else ""
    path.write_text(
        f'{text}\n[[filings]]\ndate = {day}\nkind = "{kind}"\nsummary = "見直し"\n{flag}', "utf-8"
    )
    return line


# -- 1. output targets: links refused, FIFOs and devices written through --------------------


def test_a_report_onto_a_symbolic_link_is_refused_and_the_link_kept(
    register: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "target.md"
    target.write_text("前の内容", "utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    for path in (link, dangling):
        for args in ((*REPORT, "-o", str(path)), ("export", "-o", str(path))):
            code, out, err = cli_run(capsys, register, *args)
            assert code == 2 and out == "", (args, out, err)
            assert one_error(err) == f"エラー: {path} に書き出せません: {LINK_REFUSAL}"
        # The TUI's report screen writes through the same function.
        with pytest.raises(OutputRefused) as refused:
            write_output(path, "報告書")
        assert refused.value.strerror == LINK_REFUSAL
    assert link.readlink() == target and target.read_text("utf-8") == "前の内容"
    assert dangling.is_symlink() and not (tmp_path / "nowhere.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dangling.md", "home", "link.md", "reg", "target.md"
    ]  # fmt: skip


def test_a_socket_or_a_folder_is_refused_as_an_output(
    register: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sock = tmp_path / "s.md"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock))
        code, out, err = cli_run(capsys, register, "export", "-o", str(sock))
        assert code == 2 and out == ""
        assert one_error(err) == (
            f"エラー: {sock} に書き出せません: "
            "通常のファイル・FIFO・端末などの文字デバイスではないため書き出しません"
        )
        assert stat.S_ISSOCK(sock.lstat().st_mode)
    folder = tmp_path / "folder.md"
    folder.mkdir()
    with pytest.raises(OutputRefused, match="フォルダです"):
        write_output(folder, "報告書")
    assert folder.is_dir() and not any(folder.iterdir())


class FifoReader:
    """A real reader at the other end of a FIFO, in a thread: what it read."""

    def __init__(self, fifo: Path) -> None:
        self.fifo = fifo
        self.chunks: list[bytes] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with self.fifo.open("rb") as handle:
            self.chunks.append(handle.read())

    def result(self) -> bytes:
        """What was read, once the writer closed its end (fails if none came)."""
        self.thread.join(timeout=60)
        if self.thread.is_alive():  # no writer came: let the reader go
            os.close(os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK))
            self.thread.join(timeout=10)
            pytest.fail(f"nothing was written to {self.fifo}")
        return b"".join(self.chunks)


def test_a_report_into_a_fifo_is_written_through_and_the_fifo_kept(
    register: Path, tmp_path: Path, todokede: CliRunner
) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    shown = todokede(*REPORT, "--format", "md", cwd=register)
    assert shown.returncode == 0 and "個人住民税賦課事務" in shown.stdout
    reader = FifoReader(fifo)
    result = todokede(*REPORT, "--format", "md", "-o", str(fifo), cwd=register)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout == f"書き出しました: {fifo}\n"
    assert reader.result() == shown.stdout.encode("utf-8")
    # XLSX (bytes) too, and through a link to the FIFO (as /dev/stdout is one to a pipe).
    link = tmp_path / "pipe-link.xlsx"
    link.symlink_to(fifo)
    reader = FifoReader(fifo)
    result = todokede("export", "--format", "xlsx", "-o", str(link), cwd=register)
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(io.BytesIO(reader.result())).active
    assert sheet is not None and sheet.cell(row=1, column=1).value
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and link.readlink() == fifo
    assert not list(tmp_path.glob(f".*{TEMP_SUFFIX}"))


def test_dev_stdout_is_written_through(register: Path, tmp_path: Path, todokede: CliRunner) -> None:
    """A link to this process's stdout (a pipe here), as /dev/stdout is one.

    A private link first: if it were replaced, the test stops before the machine's own
    /dev/stdout is tried (a mistake there, as root, would replace it for everyone).
    """
    private = tmp_path / "stdout"
    private.symlink_to("/proc/self/fd/1")
    for target in (private, Path("/dev/stdout")):
        assert target.is_symlink(), target
        result = todokede("export", "--format", "csv", "-o", str(target), cwd=register)
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert result.stdout.startswith("\ufeff個人情報ファイルの名称,行政機関等の名称,")
        assert result.stdout.endswith(f"書き出しました: {target}\n")
        assert target.is_symlink(), target


def null_device(path: Path) -> bool:
    info = path.lstat()
    return stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(1, 3)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root could replace a device")
def test_a_device_is_written_through_never_replaced_even_by_root(
    register: Path, tmp_path: Path, todokede: CliRunner
) -> None:
    # A private null device first: if it were replaced, the test stops before the
    # machine's own /dev/null is tried.
    private = tmp_path / "null"
    os.mknod(private, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    for target in (private, Path("/dev/null")):
        for args in ((*REPORT, "--format", "md"), ("export", "--format", "xlsx")):
            result = todokede(*args, "-o", str(target), cwd=register)
            assert result.returncode == 0, result.stderr
            assert result.stdout == f"書き出しました: {target}\n"
            assert null_device(target), target
    assert not list(Path("/dev").glob(f".*{TEMP_SUFFIX}"))
    # A disk is never written to (a private node of a loop device no one uses).
    disk = tmp_path / "disk"
    os.mknod(disk, stat.S_IFBLK | 0o600, os.makedev(7, 250))
    result = todokede("export", "--format", "md", "-o", str(disk), cwd=register)
    assert result.returncode == 2 and result.stdout == ""
    assert one_error(result.stderr) == (
        f"エラー: {disk} に書き出せません: ディスクなどのブロックデバイスには書き出しません"
    )
    assert stat.S_ISBLK(disk.lstat().st_mode)


def test_atomic_write_replaces_only_regular_files(tmp_path: Path) -> None:
    outside = tmp_path / "outside.toml"
    outside.write_text("外", "utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(outside)
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    for path, reason in ((link, "シンボリックリンクは置き換えません"),
                         (fifo, "通常のファイルではないため置き換えません")):  # fmt: skip
        with pytest.raises(OSError) as refused:
            atomic_write(path, "新しい内容")
        assert refused.value.strerror == reason
    assert link.is_symlink() and outside.read_text("utf-8") == "外"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert not list(tmp_path.glob(f".*{TEMP_SUFFIX}"))


def test_a_temp_name_that_exists_is_never_opened_but_another_is_tried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """O_EXCL and O_NOFOLLOW: a link planted under the temp name is left alone."""
    target = tmp_path / "entry.toml"
    target.write_text("古い内容", "utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("外", "utf-8")
    names = iter(["planted", "fresh"])
    monkeypatch.setattr(secrets, "token_hex", lambda _n: next(names))
    planted = tmp_path / f".entry.toml.{os.getpid()}-planted{TEMP_SUFFIX}"
    planted.symlink_to(outside)
    atomic_write(target, "新しい内容")
    assert target.read_text("utf-8") == "新しい内容" and not target.is_symlink()
    assert planted.is_symlink() and outside.read_text("utf-8") == "外"
    assert not (tmp_path / f".entry.toml.{os.getpid()}-fresh{TEMP_SUFFIX}").exists()
    # Every name taken: refused in Japanese, the file as it was.
    monkeypatch.setattr(secrets, "token_hex", lambda _n: "planted")
    with pytest.raises(FileExistsError, match="一時ファイルを作れません"):
        atomic_write(target, "もっと新しい内容")
    assert target.read_text("utf-8") == "新しい内容"


# -- 2. dates at the ends of the calendar ---------------------------------------------------


CLOCK_REFUSAL = (
    "届出日 {day} では見直し期限（{years}年後）が 9999年12月31日を過ぎるため扱えません"
    "（開始届と見直しの届出は {last} までの日付にしてください）"
)


def test_a_filing_whose_review_would_fall_after_9999_is_refused_by_check(
    register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = add_filing(register, "9999-12-31")
    code, out, _ = cli_run(capsys, register, "check")
    expected = CLOCK_REFUSAL.format(day="9999-12-31", years=10, last="9989-12-31")
    assert code == 1
    assert f"entries/{ENTRY_ID}.toml:{line}: エラー: filings[1].date: {expected}" in out
    for args in (("reminders", "--as-of", "9999-12-31"), REPORT, ("export",)):
        code, _, err = cli_run(capsys, register, *args)
        assert code == 1 and "登録簿にエラーが1件あるため作成できません" in one_error(err)
    assert "kazei-kojin-juminzei" in load_register(register).invalid  # what the TUI opens
    # A longer clock moves the limit: 100 years.
    config = register / "registry.toml"
    config.write_text(MINIMAL_CONFIG.replace("= 10", "= 100"), "utf-8")
    entry_file(register).write_text(VALID_ENTRY, "utf-8")
    line = add_filing(register, "9900-01-01")
    code, out, _ = cli_run(capsys, register, "check", "--format", "json")
    expected = CLOCK_REFUSAL.format(day="9900-01-01", years=100, last="9899-12-31")
    assert code == 1 and f'"line": {line}' in out and expected in out


def test_the_last_possible_basis_is_due_on_the_last_day(
    register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_filing(register, "9989-12-31")
    add_filing(register, "9999-12-31", review=False)  # a change is no basis: no clock
    code, out, _ = cli_run(capsys, register, "check")
    assert code == 0, out
    code, out, err = cli_run(capsys, register, "reminders", "--as-of", "9999-12-31")
    assert code == 0 and err == "" and "本日が期限" in out
    code, out, err = cli_run(
        capsys, register, "reminders", "--as-of", "令和7981年6月30日", "--format", "json"
    )
    assert code == 0 and '"due": "9999-12-31"' in out and '"due_soon": [' in out


def test_filing_on_a_date_the_clock_cannot_reach_is_refused(
    register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = entry_file(register)
    edited = VALID_ENTRY.replace('"生年月日"]', '"生年月日", "電話番号"]')
    path.write_text(edited, "utf-8")
    before = head(register)
    code, _, err = cli_run(
        capsys, register, "file", ENTRY_ID, "--kind", "change", "--date", "9999-12-31", "--review"
    )
    assert code == 1 and "9999年12月31日を過ぎるため扱えません" in one_error(err)
    assert head(register) == before and path.read_text("utf-8") == edited


#: (arguments, exit code): the ends of the calendar, of 和暦 and of the eras.
DATE_EXTREMES = [
    (("reminders", "--as-of", "9999-12-31"), 0),
    (("reminders", "--as-of", "1873-01-01"), 0),
    (("reminders", "--as-of", "0001-01-01"), 2),
    (("reminders", "--as-of", "1872-12-31"), 2),
    (("reminders", "--as-of", "10000-01-01"), 2),
    (("reminders", "--as-of", "明治6年1月1日"), 0),
    (("reminders", "--as-of", "明治5年12月31日"), 2),
    (("reminders", "--as-of", "M6.1.1"), 0),
    (("reminders", "--as-of", "昭和64年1月7日"), 0),
    (("reminders", "--as-of", "昭和64年1月8日"), 2),
    (("reminders", "--as-of", "平成31年5月1日"), 2),
    (("reminders", "--as-of", "令和7981年12月31日"), 0),
    (("reminders", "--as-of", "R7981.12.31"), 0),
    (("reminders", "--as-of", "令和7982年1月1日"), 2),
    (("reminders", "--as-of", "R99999.1.1"), 2),
    (("reminders", "--as-of", "9999-12-31", "--format", "csv"), 0),
    (("report", "--from", "0001-01-01", "--to", "2020-01-01"), 2),
    (("report", "--from", "1873-01-01", "--to", "9999-12-31"), 0),
    (("report", "--from", "9999-12-31", "--to", "9999-12-31", "--format", "json"), 0),
    (("report", "--from", "明治6年1月1日", "--to", "令和7981年12月31日", "--format", "csv"), 0),
    (("report", "--from", "9999-12-31", "--to", "1873-01-01"), 2),
    (("diff", "--from", "9999-12-31"), 0),
    (("diff", "--from", "1873-01-01", "--format", "json"), 0),
    (("diff", "--from", "0001-01-01"), 2),
    (("diff", "--to", "9999-12-31"), 0),
    (("log", "--since", "0001-01-01"), 2),
    (("log", "--since", "1873-01-01", "--until", "9999-12-31"), 0),
    (("log", "--since", "9999-12-31"), 0),
    (("log", "--until", "1873-01-01", "--format", "json"), 0),
    (("file", ENTRY_ID, "--kind", "change", "--date", "0001-01-01"), 2),
]


@pytest.mark.parametrize(("args", "code"), DATE_EXTREMES)
def test_no_command_shows_the_unexpected_error_for_any_date(
    register: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], code: int
) -> None:
    got, out, err = cli_run(capsys, register, *args)
    assert got == code, (out, err)
    if code:
        one_error(err)
    else:
        assert err == "" and out


DAYS = st.dates(min_value=GREGORIAN_START, max_value=date.max)
CONFIG_DATA = tomllib.loads(MINIMAL_CONFIG)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=DAYS,
    review=DAYS,
    as_of=DAYS,
    years=st.integers(min_value=1, max_value=100),
    months=st.integers(min_value=0, max_value=120),
)
def test_the_review_clock_never_overflows(
    start: date, review: date, as_of: date, years: int, months: int
) -> None:
    """Any filing dates and any day: check refuses a basis too late for the clock,
    and everything the register's readers compute from the rest works."""
    start, review = sorted((start, review))
    config = RegistryConfig.model_validate(
        {**CONFIG_DATA, "review_interval_years": years, "review_warning_months": months}
    )
    data: dict[str, Any] = tomllib.loads(VALID_ENTRY)
    data["filings"] = [
        {"date": start, "kind": "start", "summary": "業務開始"},
        {"date": review, "kind": "change", "summary": "見直し", "review": True},
    ]
    entry, violations = check_entry_data(data, config)
    refused = [v for v in violations if "9999年12月31日を過ぎる" in v.message]
    assert bool(refused) == (review > last_basis_day(years))
    assert entry is not None
    if refused:
        assert refused[-1].loc == ("filings", 1, "date")
        return
    assert not [v for v in violations if v.severity == "error"], violations
    clock = review_of(entry, config, as_of)
    assert clock is None or clock.due <= date.max
    register = Register(Path(), config, config.build_catalog())
    register.entries[ENTRY_ID] = EntryFile(ENTRY_ID, Path("x.toml"), entry)
    reminders(register.entries.values(), config, as_of)
    entry_marks(entry, config, register.catalog, as_of)
    for fmt in ("text", "csv", "json"):
        render(build_reminders(register, as_of), fmt)
    period = sorted((as_of, review))
    render(build_council_report(register, period[0], period[1]), "csv")
    assert parse_date(format_wareki(as_of)) == as_of == parse_date(format_short(as_of))


# -- 3. cells a spreadsheet could run as formulas -------------------------------------------


FORMULA_CELLS = [
    "=1+1", " =1+1", "\u3000=1+1", "\t=1+1", "\r=1+1", "\n=1+1", " \u3000\t=SUM(A1)",
    "＝SUM(A1)", "＋81", "－1", "＠SUM(A1)", "　＝1", "﹦1", "﹢1", "﹣1", "﹫A", "⁼1", "⁺1", "₌1",
    "₊1", "\u200b=1", "\ufeff=1", "\tTAB",
]  # fmt: skip
HARMLESS_CELLS = ["平成28年", "1+2", "a=b", " 個人番号", "　業務", "'quoted", "ー1", "−1", ""]


@pytest.mark.parametrize("text", FORMULA_CELLS)
def test_blanks_and_full_width_forms_before_a_formula_are_defused(text: str) -> None:
    assert formula_like(text) and defuse(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS_CELLS)
def test_text_that_starts_no_formula_is_kept(text: str) -> None:
    assert not formula_like(text) and defuse(text) == text


#: Formula cells the model accepts in an entry (a tab and a line break are allowed in
#: text fields; a carriage return and the invisible characters are refused).
ENTRY_FORMULAS = [
    " =1+1",
    "\u3000=1+1",
    "\t=1+1",
    "\n=1+1",
    "＝SUM(A1)",
    "＋81",
    "－1",
    "＠SUM(A1)",
]


@pytest.fixture
def formula_register(tmp_path: Path) -> Register:
    root = tmp_path / "formulas"
    (root / "entries").mkdir(parents=True)
    (root / "registry.toml").write_text(MINIMAL_CONFIG, "utf-8")
    for number, text in enumerate(ENTRY_FORMULAS):
        quoted = text.replace("\t", "\\t").replace("\n", "\\n")
        entry = (
            VALID_ENTRY.replace('name = "個人住民税賦課事務"', f'name = "{quoted}業務{number}"')
            .replace("個人住民税賦課事務ファイル", f"{quoted}ファイル{number}")
            .replace(
                'purpose = "地方税法に基づき個人住民税を賦課するため"', f'purpose = "{quoted}"'
            )
            .replace('summary = "業務開始"', f'summary = "{quoted}"')
        )
        (root / "entries" / f"formula-{number}.toml").write_text(entry, "utf-8")
    loaded = load_register(root)
    assert not loaded.errors and len(loaded.entries) == len(ENTRY_FORMULAS), loaded.errors
    return loaded


def test_csv_and_xlsx_never_hold_a_runnable_formula(formula_register: Register) -> None:
    documents = (
        build_council_report(formula_register, date(2005, 1, 1), date(2005, 12, 31)),
        build_reminders(formula_register, date(2026, 1, 1)),
    )
    book_csv = render(book_of_register(formula_register, date(2026, 1, 1)), "csv")
    assert isinstance(book_csv, str)
    book_cells = [c for row in csv.reader(io.StringIO(book_csv[1:], newline="")) for c in row]
    assert all(not formula_like(cell) for cell in book_cells)
    for number, text in enumerate(ENTRY_FORMULAS):
        assert "'" + text + f"ファイル{number}" in book_cells, text
    for document in documents:
        data = render(document, "csv")
        assert isinstance(data, str)
        cells = [c for row in csv.reader(io.StringIO(data[1:], newline="")) for c in row]
        assert all(not formula_like(cell) for cell in cells)
        for text in ENTRY_FORMULAS:
            assert any(cell.startswith("'" + text) for cell in cells), text
    book = render(documents[0], "xlsx")
    assert isinstance(book, bytes)
    sheet = load_workbook(io.BytesIO(book)).active
    assert sheet is not None
    written: list[Any] = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(cell.data_type != "f" for cell in written)
    looking = [c for c in written if isinstance(c.value, str) and formula_like(c.value)]
    names = {f"{text}業務{n}" for n, text in enumerate(ENTRY_FORMULAS)}
    assert {cell.value for cell in looking} >= names
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in looking)
    assert not any(cell.quotePrefix for cell in written if cell not in looking)


# -- 4. invisible characters and byte order marks -------------------------------------------


INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u180e", "\u2061", "\u2064"]
INVISIBLE_REASON = (
    "幅のない見えない文字（U+{code:04X}）は使えません"
    "（画面にも報告書にも表示されず、同じに見える別の文字列になります）"
)


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_are_refused_in_names_and_shown_as_marks(
    register: Path, capsys: pytest.CaptureFixture[str], char: str
) -> None:
    escaped = f"\\u{ord(char):04x}"
    reason = INVISIBLE_REASON.format(code=ord(char))
    entry = entry_file(register)
    config = register / "registry.toml"
    entry.write_text(VALID_ENTRY.replace("個人住民税賦課事務", f"個人{escaped}住民税"), "utf-8")
    code, out, _ = cli_run(capsys, register, "check")
    assert code == 1 and f"entries/{ENTRY_ID}.toml:2: エラー: name: {reason}" in out
    entry.write_text(VALID_ENTRY, "utf-8")
    config.write_text(
        MINIMAL_CONFIG.replace('"健康増進課"]', f'"健康増進課", "課税{escaped}課"]', 1)
        + f'\n[[catalog.items]]\nname = "納税{escaped}番号"\ncategory = "その他"\n',
        "utf-8",
    )
    code, out, _ = cli_run(capsys, register, "check")
    assert code == 1
    assert f"registry.toml:5: エラー: departments[3]: {reason}" in out
    catalog_line = len(MINIMAL_CONFIG.splitlines()) + 3  # after a blank line and the header
    assert f"registry.toml:{catalog_line}: エラー: catalog.items[0].name: {reason}" in out
    config.write_text(MINIMAL_CONFIG, "utf-8")
    # File stems and ids: refused, named with the mark.
    (register / "entries" / f"kazei{char}.toml").write_text(VALID_ENTRY, "utf-8")
    code, out, _ = cli_run(capsys, register, "check")
    mark = f"⟨U+{ord(char):04X}⟩"
    assert code == 1 and f"entries/kazei{mark}.toml: エラー: ファイル名が不正です" in out
    assert not has_hidden(out)
    (register / "entries" / f"kazei{char}.toml").unlink()
    code, _, err = cli_run(capsys, register, "new", f"kazei{char}", "--department", "課税課",
                           "--name", "名称")  # fmt: skip
    assert code == 2 and f"ID「kazei{mark}」は使えません" in one_error(err)
    code, _, err = cli_run(capsys, register, "new", "fresh", "--department", "課税課",
                           "--name", f"個人{char}住民税賦課事務")  # fmt: skip
    assert code == 2 and f"業務の名称「個人{mark}住民税賦課事務」は使えません: {reason}" in (
        one_error(err)
    )
    assert not (register / "entries" / "fresh.toml").exists()
    assert visible(f"a{char}b") == f"a{mark}b" and has_hidden(char)


def test_invisible_characters_from_git_are_shown_as_marks(
    register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry_file(register).write_text(VALID_ENTRY + "# 追記\n", "utf-8")
    git(register, "add", "entries")
    git(register, "-c", "user.name=総務\u200b課", "-c", "user.email=x@example.jp",
        "commit", "-q", "-m", "概要\u2060です")  # fmt: skip
    code, out, _ = cli_run(capsys, register, "log")
    assert code == 0 and "総務⟨U+200B⟩課" in out and "概要⟨U+2060⟩です" in out
    assert not has_hidden(out)


BOM = "\ufeff"
BOM_WARNING = (
    "警告: ファイルの先頭に BOM があります（読み込みましたが、読めない道具もあるため、"
    "BOM なしの UTF-8 で保存し直してください）"
)


def test_a_byte_order_mark_is_read_warned_about_and_kept(
    register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = entry_file(register)
    config = register / "registry.toml"
    entry.write_text(BOM + VALID_ENTRY, "utf-8")
    config.write_text(BOM + MINIMAL_CONFIG, "utf-8")
    code, out, _ = cli_run(capsys, register, "check")
    assert code == 0, out
    assert f"entries/{ENTRY_ID}.toml:1: {BOM_WARNING}" in out
    assert f"registry.toml:1: {BOM_WARNING}" in out
    assert "Invalid statement" not in out and "読めません" not in out
    loaded = load_register(register)
    assert ENTRY_ID in loaded.entries and loaded.config.municipality == "東村山市"
    # Lines are counted as before: an error on line 3 is on line 3.
    entry.write_text(BOM + VALID_ENTRY.replace('"課税課"', '"税務課"'), "utf-8")
    code, out, _ = cli_run(capsys, register, "check")
    assert code == 1 and f"entries/{ENTRY_ID}.toml:3: エラー: department:" in out
    # A filing rewrites the file with its mark; history and diffs read every version.
    entry.write_text(BOM + VALID_ENTRY, "utf-8")
    git(register, "add", "-A")
    git(register, "commit", "-q", "-m", "BOM 付きで保存")
    entry.write_text(BOM + VALID_ENTRY.replace('"生年月日"]', '"生年月日", "電話番号"]'), "utf-8")
    code, out, err = cli_run(
        capsys, register, "file", ENTRY_ID, "--kind", "change", "--date", "2016-03-22"
    )
    assert code == 0, err
    assert entry.read_text("utf-8").startswith(BOM + "# 課税課")
    assert git(register, "show", f"HEAD:entries/{ENTRY_ID}.toml").startswith(BOM)
    code, out, _ = cli_run(capsys, register, "diff", "--from", "HEAD~2", "--to", "HEAD")
    assert code == 0 and "電話番号" in out and "TOML として読めない版" not in out
    code, out, _ = cli_run(capsys, register, "log", ENTRY_ID)
    assert code == 0 and "記録項目に「電話番号」を追加\n" in out


def test_a_helper_reads_a_byte_order_mark_as_this_process_does(tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    paths = []
    for number, text in enumerate([BOM + VALID_ENTRY, VALID_ENTRY, BOM, BOM + "x = [\n"]):
        path = folder / f"f{number}.toml"
        path.write_text(text, "utf-8")
        paths.append(path)
    here = [parse_one(path) for path in paths]
    helped = list(parsed_files(paths, helpers=1))

    def shape(parsed: object) -> object:
        return parsed if isinstance(parsed, tuple) else (type(parsed), str(parsed))

    assert [shape(p) for p in helped] == [shape(p) for p in here]
    assert isinstance(here[0], tuple) and here[0][0].startswith(BOM)
    assert here[0][1] == tomllib.loads(VALID_ENTRY)


# -- 5. files entries/ holds but never reads ------------------------------------------------


def test_files_that_are_not_entries_are_named_not_ignored(
    register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = register / "entries"
    (entries / "kenko.TOML").write_text(VALID_ENTRY, "utf-8")
    (entries / "kenko-gan-kenshin").write_text(VALID_ENTRY, "utf-8")
    (entries / "old.toml.bak").write_text(VALID_ENTRY, "utf-8")
    (entries / "archive").mkdir()
    (entries / ".gitkeep").write_text("", "utf-8")
    (entries / f".{ENTRY_ID}.toml.123-abc{TEMP_SUFFIX}").write_text("半分", "utf-8")
    code, out, _ = cli_run(capsys, register, "check")
    assert code == 0, out
    unread = "業務ファイルではないため読んでいません（業務ファイルの拡張子は .toml です）"
    assert "entries/kenko.TOML: 警告: 拡張子が .TOML のため読んでいません" in out
    assert "（業務ファイルの拡張子は小文字の .toml です）" in out
    assert f"entries/kenko-gan-kenshin: 警告: {unread}" in out
    assert f"entries/old.toml.bak: 警告: {unread}" in out
    assert "entries/archive: 警告: フォルダは読みません" in out
    assert ".gitkeep" not in out
    temp = f"entries/.{ENTRY_ID}.toml.123-abc{TEMP_SUFFIX}"
    assert out.count(temp) == 1 and "中断した書き込みの一時ファイル" in out
    assert "エントリ 1件を検査しました: エラー 0件、警告 5件" in out
    code, out, _ = cli_run(capsys, register, "check", "--strict")
    assert code == 1 and "entries/kenko.TOML: エラー: 拡張子が .TOML" in out

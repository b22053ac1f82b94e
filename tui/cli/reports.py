"""``report``, ``reminders`` and ``export``: what the secretariat hands out.

Only click is imported here; the register, the report builders and each
format's renderer load inside the command, so ``todokede --help`` stays light
and JSON or CSV never load Jinja2, openpyxl or rich.
"""

from __future__ import annotations

import gc
import stat
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Final

import click

from todokede.reports.target import FILE_ONLY_FORMATS
from todokede.tui.cli.clihelp import DATE, EXIT_OK, EXIT_USAGE, Choice, fail, registry_root

if TYPE_CHECKING:
    from todokede.registry.files.store import Register
    from todokede.reports.output import Document
    from todokede.reports.target import DocumentKind

# Kept literal (not imported from todokede.reports.target) so that --help loads nothing
# heavy; tests/tui/test_cli_reports.py checks they are the documents' formats.
DOCUMENT_FORMATS = ("md", "html", "csv", "xlsx", "json")
REMINDER_FORMATS = ("text", "md", "csv", "json", "html", "xlsx")
XLSX_NEEDS_FILE = "XLSX は -o でファイルを指定してください（例: -o 報告書.xlsx）"


def force_option(func: click.decorators.FC) -> click.decorators.FC:
    """``--force``: overwrite an existing -o file without asking."""
    return click.option(
        "--force",
        is_flag=True,
        help="-o のファイルが既にあっても確かめずに上書きする（端末でなければ必須）",
    )(func)


def confirm_overwrite(output: Path | None, force: bool) -> None:
    """Ask before an existing file is replaced, as the TUI does.

    On a terminal (stdin a tty) the question is asked on stderr; a no writes
    nothing (exit 1). Without a terminal an existing file needs ``--force``
    (exit 2 otherwise). A FIFO or a device (``-o /dev/null``) is written
    through, never replaced, so it is not asked about.
    """
    if output is None or force:
        return
    try:
        mode = output.stat().st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        return
    if sys.stdin.isatty():
        if click.confirm(f"{output} は既にあります。上書きしますか？", default=False, err=True):
            return
        fail(f"書き出していません（{output} はそのままです）")
    fail(f"{output} は既にあります（上書きするには --force を付けてください）", EXIT_USAGE)


def output_option(func: click.decorators.FC) -> click.decorators.FC:
    """``-o FILE``: write the document to a file (format from its suffix)."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path),  # a folder is refused below, in Japanese
        callback=_dash_is_stdout,
        help="書き出すファイル（--format がなければ拡張子 .md/.html/.csv/.xlsx/.json で形式を決める。- は標準出力）",
    )(func)


def _dash_is_stdout(
    _ctx: click.Context, _param: click.Parameter, value: Path | None
) -> Path | None:
    return None if value == Path("-") else value


def document_format_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--format",
        "fmt",
        type=Choice(DOCUMENT_FORMATS),
        default=None,
        help="出力形式（省略時は -o の拡張子から、なければ md）",
    )(func)


def load_clean_register(ctx: click.Context) -> Register:
    """The register, refused (exit 1) while it has errors: a report must be complete."""
    from todokede.registry.files.store import load_register

    # A one-shot command whose objects all live until it exits: the cyclic
    # collector would only walk the growing register again and again.
    gc.disable()
    register = load_register(registry_root(ctx))
    errors = register.errors
    if errors:
        fail(
            f"登録簿にエラーが{len(errors)}件あるため作成できません"
            f"（{errors[0].as_text()}）。todokede check で確かめて直してください"
        )
    return register


def resolve_format(
    document: DocumentKind, fmt: str | None, output: Path | None, force: bool
) -> str:
    """The format to write, refusing (exit 2) what the export would refuse before
    writing (the checks the TUI's report screen makes: todokede.reports.target), and
    asking on a terminal before an existing file is replaced (:func:`confirm_overwrite`)."""
    from todokede.reports.target import ExportRefused, check_export
    from todokede.tui.cli.refusals import refusal_line

    try:
        chosen = check_export(document, output, fmt, overwrite=True)
    except ExportRefused as refused:
        fail(refusal_line(refused), EXIT_USAGE)
    if output is None and chosen in FILE_ONLY_FORMATS:
        fail(XLSX_NEEDS_FILE, EXIT_USAGE)
    confirm_overwrite(output, force)
    return chosen


def emit(data: str | bytes, fmt: str, output: Path | None) -> None:
    """Write to ``output`` (a file atomically, a FIFO or device through), else show:
    rich Markdown on a terminal, else as is."""
    if output is not None:
        from todokede.reports.output import write_output

        try:
            write_output(output, data)
        except OSError as error:
            fail(f"{output} に書き出せません: {error.strerror or error}")
        click.echo(f"書き出しました: {output}")
        return
    if isinstance(data, bytes):  # pragma: no cover - refused by resolve_format
        from todokede.reports.target import ExportRefused
        from todokede.tui.cli.refusals import refusal_line

        fail(refusal_line(ExportRefused("needs-file", fmt=fmt)), EXIT_USAGE)
    if fmt == "md" and sys.stdout.isatty():
        show_markdown(data)
        return
    # Bytes as rendered: CSV keeps its BOM and CRLF when redirected to a file.
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stdout (captured in-process)
        sys.stdout.write(data)
        return
    sys.stdout.flush()
    buffer.write(data.encode("utf-8"))
    buffer.flush()


def show_markdown(text: str) -> None:
    """Markdown rendered by rich, table cells folded rather than cut.

    Rich wraps at spaces and cuts what is left with an ellipsis; Japanese has no
    spaces, so a long 内容 would lose its end. Folding keeps every character.
    """
    from rich.console import Console, JustifyMethod
    from rich.markdown import Markdown, MarkdownElement, TableDataElement

    class FoldedCell(TableDataElement):
        def __init__(self, justify: JustifyMethod) -> None:
            super().__init__(justify)
            self.content.overflow = "fold"

    class FoldedMarkdown(Markdown):
        elements: ClassVar[dict[str, type[MarkdownElement]]] = {
            **Markdown.elements,
            "td_open": FoldedCell,
            "th_open": FoldedCell,
        }

    Console().print(FoldedMarkdown(text))


@click.command()
@click.option(
    "--from",
    "start",
    type=DATE,
    default=None,
    help="期間の初日（例: 2016-01-01、平成28年1月1日、H28.1.1。省略時は末日の年の1月1日）",
)
@click.option(
    "--to",
    "end",
    type=DATE,
    default=None,
    help="期間の末日（例: 2016-09-13、平成28年9月13日。省略時は今日）",
)
@click.option("--label", default="", help="資料番号（例: 資料3）。右上に載せる")
@click.option(
    "--created",
    type=DATE,
    default=None,
    help="作成日（省略時は今日。例: 令和8年11月27日）",
)
@document_format_option
@output_option
@force_option
@click.pass_context
def report(
    ctx: click.Context,
    start: date | None,
    end: date | None,
    label: str,
    created: date | None,
    fmt: str | None,
    output: Path | None,
    force: bool,
) -> int:
    """審議会への報告書（個人情報に係る業務届出報告書）を作る。

    期間中の届出（初日と末日を含む）を業務開始・変更・廃止の順、担当課の順、届出日の順に並べ、
    件数と期間末日現在の届出業務数を添える。業務の名称と担当課は届出の時のもの（git の履歴から）。
    期間を省略すると今年の1月1日から今日まで（画面の報告書と同じ）。-o がなければ画面に表示する。
    """
    from todokede.reports.council import report_period

    start, end = report_period(start, end, date.today())
    if start > end:
        from todokede.registry.schema.wareki import format_wareki

        fail(
            f"--from（{format_wareki(start)}）が --to（{format_wareki(end)}）より後です。"
            "期間の初日と末日を確かめてください",
            EXIT_USAGE,
        )
    if problem := label_problem(label):
        fail(f"--label の値が正しくありません: {problem}", EXIT_USAGE)
    chosen = resolve_format("council", fmt, output, force)
    from todokede.reports.council import build_council_report
    from todokede.reports.output import render

    document = build_council_report(
        load_clean_register(ctx), start, end, created=created, label=label
    )
    emit(render(document, chosen), chosen, output)
    return EXIT_OK


def label_problem(label: str) -> str | None:
    """Why ``label`` cannot be printed as a 資料番号 (one short line), or None."""
    from todokede.registry.schema.model import name_problem

    if not label.strip():
        return None
    if problem := name_problem(label):
        return problem
    if len(label.strip()) > 20:
        return "20文字までにしてください（例: 資料3）"
    return None


@click.command()
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    default=None,
    help="基準日（省略時は今日。例: 2026-11-27、令和8年11月27日）",
)
@click.option(
    "--reply-by",
    "reply_by",
    type=DATE,
    default=None,
    help="各課への依頼の提出期限（省略時は基準日の翌月末日）",
)
@click.option(
    "--format",
    "fmt",
    type=Choice(REMINDER_FORMATS),
    default=None,
    help="出力形式（省略時は -o の拡張子から、なければ text）",
)
@output_option
@force_option
@click.pass_context
def reminders(
    ctx: click.Context,
    as_of: date | None,
    reply_by: date | None,
    fmt: str | None,
    output: Path | None,
    force: bool,
) -> int:
    """見直し期限が過ぎた業務と近づいた業務を、期限の早い順に示す。

    見直し期限は最後の開始届又は見直しの届出から registry.toml の review_interval_years 年後。
    その review_warning_months か月前から「期限間近」になる。廃止した業務は対象外。
    html と xlsx は一覧の後に、課ごとの見直しの依頼（課ごとに1ページ・1シート）を付ける。
    """
    day = as_of or date.today()
    if reply_by is not None and reply_by < day:
        from todokede.registry.schema.wareki import format_wareki

        fail(
            f"--reply-by（{format_wareki(reply_by)}）が基準日（{format_wareki(day)}）より前です",
            EXIT_USAGE,
        )
    if fmt is None and output is not None and output.suffix.lower() == ".txt":
        fmt = "text"
    chosen = (
        resolve_format("reminders", fmt, output, force) if output is not None or fmt else "text"
    )
    from todokede.reports.output import render
    from todokede.reports.reminders import build_reminders

    document = build_reminders(load_clean_register(ctx), day, reply_by)
    emit(render(document, chosen), chosen, output)
    return EXIT_OK


# -- export: the two books ---------------------------------------------------------------

BOOKS = ("files", "processes")
#: The options of one book only, refused (exit 2) with the other: option → its book.
BOOK_ONLY_OPTIONS: Final = {
    "--all": "processes",
    "--include-exempt": "files",
    "--as-of": "files",
}


def book_options(func: click.decorators.FC) -> click.decorators.FC:
    """``--include-exempt`` and ``--as-of``: the statutory book's own."""
    func = click.option(
        "--as-of",
        "as_of",
        type=DATE,
        default=None,
        help="（--book files）作成日（省略時は今日。例: 2026-11-27、令和8年11月27日）",
    )(func)
    return click.option(
        "--include-exempt",
        is_flag=True,
        help="（--book files）記載しないファイル（法75条2項の除外、3項）も"
        "号と理由を付けて含める（確認用）",
    )(func)


def refuse_other_books_options(book: str, changes: bool, given: dict[str, bool]) -> None:
    """One line and exit 2 for an option of the other book, or of the book itself
    beside ``--changes`` (nothing is loaded or written)."""
    for option, used in given.items():
        owner = BOOK_ONLY_OPTIONS[option]
        if used and owner != book:
            fail(
                f"{option} は --book {owner} でだけ使えます（--book {book} には付けられません）",
                EXIT_USAGE,
            )
        if used and changes and option != "--all":  # --all: export_changes says it
            fail(f"{option} は --changes と一緒に使えません", EXIT_USAGE)


def export_book(
    ctx: click.Context,
    fmt: str | None,
    output: Path | None,
    force: bool,
    book: str,
    include_abolished: bool,
    include_exempt: bool,
    as_of: date | None,
) -> None:
    """The book asked for: the statutory one (``files``) or the process-level one."""
    chosen = resolve_format("book" if book == "files" else "filebook", fmt, output, force)
    from todokede.reports.output import render

    register = load_clean_register(ctx)
    document: Document
    if book == "files":
        from todokede.reports.statutory_book import book_of_register

        document = book_of_register(register, as_of or date.today(), include_exempt)
    else:
        from todokede.reports.filebook import build_filebook

        document = build_filebook(register, include_abolished)
    emit(render(document, chosen), chosen, output)


# -- export --changes ------------------------------------------------------------------


def book_option(func: click.decorators.FC) -> click.decorators.FC:
    """``--book files|processes``: the statutory book (the default) or the process-level one."""
    return click.option(
        "--book",
        type=Choice(BOOKS),
        default="files",
        show_default=True,
        help="files: 個人情報ファイル簿（法75条。ファイルごとの単票）、"
        "processes: 業務ごとの登録簿（法75条5項。従来の export）",
    )(func)


def changes_options(func: click.decorators.FC) -> click.decorators.FC:
    """``--changes``, ``--from``, ``--to``: what changed in the book between two dates."""
    for option in reversed(
        (
            click.option(
                "--changes",
                is_flag=True,
                help="二つの日の間に個人情報ファイル簿で追加・訂正・削除したファイルを示す",
            ),
            click.option(
                "--from",
                "changes_from",
                type=DATE,
                default=None,
                help="--changes の比べる元の日（その日までの最後のコミットの登録簿。例: 2023-03-31）",
            ),
            click.option(
                "--to",
                "changes_to",
                type=DATE,
                default=None,
                help="--changes の比べる先の日（例: 2024-03-31、令和6年3月31日）",
            ),
        )
    ):
        func = option(func)
    return func


def export_changes(
    ctx: click.Context,
    fmt: str | None,
    output: Path | None,
    force: bool,
    include_abolished: bool,
    book: str,
    changes: bool,
    changes_from: date | None,
    changes_to: date | None,
) -> bool:
    """``export --changes``: written, True; without ``--changes``, False (refusing
    a ``--from``/``--to`` given without it)."""
    from todokede.registry.schema.wareki import format_wareki

    if not changes:
        if changes_from is not None or changes_to is not None:
            fail(
                "--from と --to は --changes と一緒に使います"
                "（例: --changes --from 2023-03-31 --to 2024-03-31）",
                EXIT_USAGE,
            )
        return False
    if book != "files":
        fail(
            "--changes は個人情報ファイル簿（--book files）の変更を示します"
            "（--book processes とは一緒に使えません）",
            EXIT_USAGE,
        )
    if include_abolished:
        fail("--all は --changes と一緒に使えません", EXIT_USAGE)
    if changes_from is None or changes_to is None:
        missing = " と ".join(
            name for name, day in (("--from", changes_from), ("--to", changes_to)) if day is None
        )
        fail(
            f"--changes には {missing} が必要です（比べる二つの日。"
            "例: --from 2023-03-31 --to 2024-03-31）",
            EXIT_USAGE,
        )
    if changes_from >= changes_to:
        relation = "と同じ日" if changes_from == changes_to else "より後"
        fail(
            f"--from（{format_wareki(changes_from)}）が --to（{format_wareki(changes_to)}）"
            f"{relation}です。比べる元の日を先の日より前にしてください",
            EXIT_USAGE,
        )
    chosen = resolve_format("book-changes", fmt, output, force)
    from todokede.registry.git.revisions import RevisionError
    from todokede.reports.book_changes import read_book_changes
    from todokede.reports.render_book_changes import render_changes

    root = registry_root(ctx)
    try:
        document = read_book_changes(root, changes_from, changes_to)
    except RevisionError as error:
        fail(str(error), EXIT_USAGE)
    emit(render_changes(document, chosen), chosen, output)
    return True


@click.command()
@document_format_option
@output_option
@force_option
@book_option
@click.option(
    "--all",
    "include_abolished",
    is_flag=True,
    help="（--book processes）廃止した業務も含める（廃止と明記）",
)
@book_options
@changes_options
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str | None,
    output: Path | None,
    force: bool,
    book: str,
    include_abolished: bool,
    include_exempt: bool,
    as_of: date | None,
    changes: bool,
    changes_from: date | None,
    changes_to: date | None,
) -> int:
    """個人情報ファイル簿（法75条）を書き出す。

    --book files（既定）: 機関ごとに索引と、記載するファイル1件ごとの単票（法定の項目を法定の順に）。
    法75条2項で除外するファイルと3項で記載しないファイルは載せない（--include-exempt で確認用に含める）。
    --book processes: 届出中の業務を1業務1行（xlsx は1業務1ページの単票と全項目の一覧のシート）。

    --changes --from D --to D は、二つの日の間のファイル簿の変更（追加・訂正・削除）を示す。
    """
    refuse_other_books_options(
        book,
        changes,
        {"--all": include_abolished, "--include-exempt": include_exempt, "--as-of": bool(as_of)},
    )
    if export_changes(
        ctx, fmt, output, force, include_abolished, book, changes, changes_from, changes_to
    ):
        return EXIT_OK
    export_book(ctx, fmt, output, force, book, include_abolished, include_exempt, as_of)
    return EXIT_OK

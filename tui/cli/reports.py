"""``report``, ``reminders`` and ``export``: what the secretariat hands out.

Only click is imported here; the register, the report builders and each
format's renderer load inside the command, so ``todokede --help`` stays light
and JSON or CSV never load Jinja2, openpyxl or rich.
"""

from __future__ import annotations

import gc
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from todokede.tui.cli.clihelp import DATE, EXIT_OK, EXIT_USAGE, Choice, fail, registry_root

if TYPE_CHECKING:
    from todokede.registry.files.store import Register
    from todokede.reports.target import DocumentKind

# Kept literal (not imported from todokede.reports.target) so that --help loads nothing
# heavy; tests/tui/test_cli_reports.py checks they are the documents' formats.
DOCUMENT_FORMATS = ("md", "html", "csv", "xlsx", "json")
REMINDER_FORMATS = ("text", "md", "csv", "json")


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


def force_option(func: click.decorators.FC) -> click.decorators.FC:
    """``--force``: replace a file ``-o`` names that is already there."""
    return click.option("--force", is_flag=True, help="-o のファイルが既にあれば上書きする")(func)


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
    writing: the checks the TUI's report screen makes (todokede.reports.target)."""
    from todokede.reports.target import ExportRefused, check_export
    from todokede.tui.cli.refusals import refusal_line

    try:
        return check_export(document, output, fmt, overwrite=force)
    except ExportRefused as refused:
        fail(refusal_line(refused), EXIT_USAGE)


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
    required=True,
    help="期間の初日（例: 2016-01-01、平成28年1月1日、H28.1.1）",
)
@click.option(
    "--to", "end", type=DATE, required=True, help="期間の末日（例: 2016-09-13、平成28年9月13日）"
)
@document_format_option
@output_option
@force_option
@click.pass_context
def report(
    ctx: click.Context, start: date, end: date, fmt: str | None, output: Path | None, force: bool
) -> int:
    """審議会への報告書（個人情報に係る業務届出報告書）を作る。

    期間中の届出（初日と末日を含む）を業務開始・変更・廃止の順、担当課の順、届出日の順に並べ、
    件数と期間末日現在の届出業務数を添える。-o がなければ画面に表示する。
    """
    if start > end:
        from todokede.registry.schema.wareki import format_wareki

        fail(
            f"--from（{format_wareki(start)}）が --to（{format_wareki(end)}）より後です。"
            "期間の初日と末日を確かめてください",
            EXIT_USAGE,
        )
    chosen = resolve_format("council", fmt, output, force)
    from todokede.reports.council import build_council_report
    from todokede.reports.output import render

    document = build_council_report(load_clean_register(ctx), start, end)
    emit(render(document, chosen), chosen, output)
    return EXIT_OK


@click.command()
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    default=None,
    help="基準日（省略時は今日。例: 2026-11-27、令和8年11月27日）",
)
@click.option(
    "--format",
    "fmt",
    type=Choice(REMINDER_FORMATS),
    default="text",
    show_default=True,
    help="出力形式",
)
@click.pass_context
def reminders(ctx: click.Context, as_of: date | None, fmt: str) -> int:
    """見直し期限が過ぎた業務と近づいた業務を、期限の早い順に示す。

    見直し期限は最後の開始届又は見直しの届出から registry.toml の review_interval_years 年後。
    その review_warning_months か月前から「期限間近」になる。廃止した業務は対象外。
    """
    from todokede.reports.output import render
    from todokede.reports.reminders import build_reminders

    document = build_reminders(load_clean_register(ctx), as_of or date.today())
    emit(render(document, fmt), fmt, None)
    return EXIT_OK


@click.command()
@document_format_option
@output_option
@force_option
@click.option("--all", "include_abolished", is_flag=True, help="廃止した業務も含める")
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str | None,
    output: Path | None,
    force: bool,
    include_abolished: bool,
) -> int:
    """登録簿を個人情報ファイル簿の項目で書き出す（届出中の業務を1業務1行）。"""
    chosen = resolve_format("filebook", fmt, output, force)
    from todokede.reports.filebook import build_filebook
    from todokede.reports.output import render

    document = build_filebook(load_clean_register(ctx), include_abolished)
    emit(render(document, chosen), chosen, output)
    return EXIT_OK

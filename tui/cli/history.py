"""``file``, ``log``, ``diff``, ``sync`` and ``demo``: the register's git memory.

Only click is imported here; GitPython, rich and the registry modules load
inside each command, so ``todokede --help`` stays light. The commands parse
options, call :mod:`registry` and print; refusals are RegisterErrors, shown
by ``run()`` as one line with exit 1.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from todokede.tui.cli.clihelp import (
    DATE,
    EXIT_OK,
    EXIT_USAGE,
    Choice,
    fail,
    registry_root,
    text_or_json_option,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from todokede.registry.git.history import LogItem
    from todokede.registry.schema.model import FilingKind
    from todokede.registry.views.diff import DiffStatus, EntryDiff, RegisterDiff

KINDS = ("start", "change", "abolish")
STATUS_WORDS = {"added": "追加", "modified": "変更", "removed": "削除"}
STATUS_STYLES = {"added": "bold green", "modified": "bold yellow", "removed": "bold red"}


def console() -> Console:
    """Rich on stdout: colour on a terminal; unwrapped plain text in a pipe."""
    from rich.console import Console

    if sys.stdout.isatty():
        return Console(highlight=False, soft_wrap=True)
    return Console(highlight=False, soft_wrap=True, width=10_000, color_system=None)


# -- file ------------------------------------------------------------------------------


@click.command("file")
@click.argument("entry_id", metavar="ID")
@click.option(
    "--kind",
    type=Choice(KINDS),
    default=None,
    help="届出の区分: start（開始）/ change（変更）/ abolish（廃止）。"
    "省略時は、まだ届出がなければ開始、あれば変更",
)
@click.option(
    "--date", "day", type=DATE, required=True, help="届出日（例: 2016-03-22、平成28年3月22日）"
)
@click.option("--summary", default=None, help="概要（省略時は変更内容から作る）")
@click.option("--review", is_flag=True, help="見直しを兼ねる届出（変更がなくても届け出られる）")
@click.option("--author", default=None, help="届出者（「氏名 <メール>」。省略時は git の設定）")
@click.option(
    "--consultation",
    default="",
    metavar="NUMBER",
    help="この変更について答申を受けた諮問の番号（例: 平成28年度諮問第7号）",
)
@click.option(
    "--reported",
    type=DATE,
    default=None,
    help="この変更を報告した審議会の日（エントリの [[council]] にその日の報告が必要）",
)
@click.pass_context
def file_command(
    ctx: click.Context,
    entry_id: str,
    kind: str | None,
    day: date,
    summary: str | None,
    review: bool,
    author: str | None,
    consultation: str,
    reported: date | None,
) -> int:
    """編集したエントリを届け出て、そのファイルだけをコミットする。

    開始届は未コミットの新しいエントリ、変更届は前回の届出から変わったエントリ（見直しだけなら
    --review）、廃止届は届出中のエントリに出す。追加・削除した記録項目と概要は前回の届出との差分から書く。
    委託・外部結合・外部提供の追加や受託者への個人番号の追加は、審議会の諮問（--consultation）か
    報告（--reported）を書く（なければ警告）。
    """
    from todokede.registry.git.filing import file_entry
    from todokede.registry.git.repository import parse_author
    from todokede.registry.schema.errors import RegisterError
    from todokede.registry.schema.model import entry_id_problem, name_problem
    from todokede.tui.cli.refusals import refusal_line

    if problem := entry_id_problem(entry_id):
        fail(problem, EXIT_USAGE)
    if kind == "abolish" and review:
        fail(
            "--review は廃止届（--kind abolish）には付けられません（見直しは変更届で）", EXIT_USAGE
        )
    if consultation and (problem := name_problem(consultation)):
        fail(f"--consultation: {problem}", EXIT_USAGE)
    if author:
        try:
            parse_author(author)  # the parser the filing uses: the same refusal, as bad usage
        except RegisterError as error:
            fail(refusal_line(error), EXIT_USAGE)
    root = registry_root(ctx)
    chosen = cast("FilingKind", kind) if kind else next_kind(root, entry_id)
    filed = file_entry(
        root, entry_id, chosen, day, summary, review, author, consultation.strip(), reported
    )
    word, _, title = filed.subject.partition(": ")
    click.echo(f"{word}を記録しました: {title}")
    from todokede.registry.schema.wareki import format_wareki

    click.echo(
        f"コミット {filed.commit[:10]}（届出日 {format_wareki(day)}、届出者 {filed.author}）"
    )
    for note in filed.notes:
        click.echo(note)
    if filed.draft.council_warning:
        click.echo(
            f"警告: {filed.draft.council_warning}"
            "（諮問の答申を受けていれば --consultation、報告していれば --reported で記録できます）",
            err=True,
        )
    if filed.draft.assessment_warning:
        click.echo(f"警告: {filed.draft.assessment_warning}", err=True)
    return EXIT_OK


def next_kind(root: Path, entry_id: str) -> FilingKind:
    """The kind ``file`` without ``--kind`` files: the core decides it from the
    entry on disk (an abolished one is refused there)."""
    from todokede.registry.files.store import load_entry
    from todokede.registry.schema.errors import RegisterError
    from todokede.registry.schema.kinds import next_filing_kind

    try:
        entry = load_entry(root, entry_id).entry
    except RegisterError:  # missing or invalid: the filing says so, with its line
        return "change"
    return next_filing_kind(entry_id, entry)


# -- log -------------------------------------------------------------------------------


LOG_COLUMNS = ("日付", "区分", "担当課", "業務の名称", "届出者", "概要")
KIND_STYLES: dict[str | None, str] = {
    "start": "green",
    "change": "yellow",
    "abolish": "red",
    None: "dim",
}


def log_rows(items: list[LogItem]) -> list[tuple[str, str, str, str, str, str]]:
    """The log's cells, dates in 和暦 (JSON keeps ISO); text from commits and old files
    made visible (todokede.registry.views.display)."""
    from todokede.registry.schema.wareki import format_wareki
    from todokede.registry.views.display import visible

    return [
        (
            format_wareki(i.date),
            i.kind_label,
            visible(i.department),
            visible(i.name),
            visible(i.author),
            visible(i.summary),
        )
        for i in items
    ]


def log_table(items: list[LogItem]) -> Any:
    """The log as a rich table (on a terminal): long cells fold, colours by kind."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, header_style="bold")
    for label in LOG_COLUMNS:
        table.add_column(label, overflow="fold")
    for item, row in zip(items, log_rows(items), strict=True):
        # Cells as Text, never str: rich would read "[bold]" in an author's name as markup.
        table.add_row(
            Text(row[0]), Text(row[1], style=KIND_STYLES[item.kind]), *(Text(c) for c in row[2:])
        )
    return table


def plain_table(rows: list[tuple[str, ...]]) -> str:
    """Columns aligned by display width (full-width characters count two), two spaces apart."""
    from rich.cells import cell_len

    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [c + " " * (w - cell_len(c)) for c, w in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


@click.command("log")
@click.argument("entry_id", metavar="[ID]", required=False)
@click.option(
    "--since", type=DATE, default=None, help="この日以降（届出日、届出でなければコミット日）"
)
@click.option("--until", type=DATE, default=None, help="この日まで（その日を含む）")
@text_or_json_option
@click.pass_context
def log_command(
    ctx: click.Context, entry_id: str | None, since: date | None, until: date | None, fmt: str
) -> int:
    """届出とその他のコミットを新しい順に示す（日付・区分・担当課・業務の名称・届出者・概要）。"""
    from todokede.registry.git.history import register_log
    from todokede.registry.git.revisions import UnknownEntry

    if entry_id is not None:
        from todokede.registry.schema.model import entry_id_problem

        if problem := entry_id_problem(entry_id):
            fail(problem, EXIT_USAGE)
    if since and until and since > until:
        from todokede.registry.schema.wareki import format_wareki

        fail(
            f"--since（{format_wareki(since)}）が --until（{format_wareki(until)}）より後です",
            EXIT_USAGE,
        )
    try:
        items = register_log(registry_root(ctx), entry_id, since, until)
    except UnknownEntry as error:
        fail(str(error), EXIT_USAGE)
    if fmt == "json":
        click.echo(
            json.dumps({"commits": [i.as_json() for i in items]}, ensure_ascii=False, indent=2)
        )
        return EXIT_OK
    if not items:
        click.echo("該当する履歴はありません")
        return EXIT_OK
    filings = sum(1 for i in items if i.is_filing)
    total = f"{len(items)}件（届出 {filings}件・その他 {len(items) - filings}件）"
    if sys.stdout.isatty():
        out = console()
        out.print(log_table(items))
        out.print(total, markup=False)
    else:
        click.echo(plain_table([LOG_COLUMNS, *log_rows(items)]))
        click.echo(total)
    return EXIT_OK


# -- diff ------------------------------------------------------------------------------


def _line(sign: str, label: str, value: str) -> Text:
    from rich.text import Text

    style = {"+": "green", "-": "red", "~": "yellow"}[sign]
    return Text.assemble("    ", (f"{sign} {label}: ", style), value)


def _field_lines(diff: EntryDiff) -> list[Text]:
    from todokede.registry.views.diff_lines import diff_lines as entry_lines

    return [_line(line.sign, line.label, line.value) for line in entry_lines(diff)]


def diff_lines(result: RegisterDiff) -> list[Text]:
    """The semantic diff as styled lines: one block per entry, + added, - removed, ~ changed."""
    from rich.text import Text

    from todokede.registry.views.diff import FIELD_LABELS
    from todokede.registry.views.display import visible

    statuses: tuple[DiffStatus, ...] = ("added", "modified", "removed")
    counts = "・".join(f"{STATUS_WORDS[s]} {result.count(s)}件" for s in statuses)
    lines = [
        Text.assemble(
            ("登録簿の差分: ", "bold"),
            f"{result.source.shown} → {result.target.shown}（{counts}）",
        )
    ]
    if result.config_changed:
        lines.append(Text("  registry.toml が変わっています", style="yellow"))
    if not result.entries:
        lines.append(Text("  変更はありません"))
    for diff in result.entries:
        lines.append(
            Text.assemble(
                "  ",
                (f"[{STATUS_WORDS[diff.status]}] ", STATUS_STYLES[diff.status]),
                (visible(f"{diff.department} {diff.name}"), "bold"),
                f"（{visible(diff.entry)}）",
            )
        )
        if diff.unreadable:
            lines.append(Text("    TOML として読めない版があります", style="red"))
        if diff.status == "modified":
            fields = "、".join(FIELD_LABELS.get(f, f) for f in diff.changed_fields)
            lines.append(Text(f"    変わった項目: {fields}", style="dim"))
        lines.extend(_field_lines(diff))
    return lines


def render_diff(result: RegisterDiff) -> None:
    """In colour on a terminal; plain text, written at once, in a pipe or a file."""
    from rich.text import Text

    lines = diff_lines(result)
    if sys.stdout.isatty():
        console().print(Text("\n").join(lines))
    else:
        click.echo("\n".join(line.plain for line in lines))


@click.command("diff")
@click.argument("entry_id", metavar="[ID]", required=False)
@click.option(
    "--from", "from_spec", default=None, help="比べる元: リビジョンか日付（省略時は HEAD）"
)
@click.option(
    "--to", "to_spec", default=None, help="比べる先: リビジョンか日付（省略時は作業中のファイル）"
)
@text_or_json_option
@click.pass_context
def diff_command(
    ctx: click.Context, entry_id: str | None, from_spec: str | None, to_spec: str | None, fmt: str
) -> int:
    """二つの版の間で、追加・変更・削除されたエントリと変わった項目を示す。

    日付（2016-09-13、平成28年9月13日）はその日までの最後のコミットを指す。--to がなければ作業中の
    ファイルと比べる。--to だけなら、そのコミットが変えたものを示す。
    """
    from todokede.registry.git.revision_diff import diff_register
    from todokede.registry.git.revisions import RevisionError
    from todokede.registry.schema.model import entry_id_problem

    if entry_id is not None and (problem := entry_id_problem(entry_id)):
        fail(problem, EXIT_USAGE)
    root = registry_root(ctx)
    try:
        result = diff_register(root, from_spec, to_spec, entry_id)
    except RevisionError as error:
        fail(str(error), EXIT_USAGE)
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        render_diff(result)
    return EXIT_OK


# -- sync ------------------------------------------------------------------------------


@click.command("sync")
@click.option("--remote", default=None, help="共有先のリモート（省略時は追跡先、なければ origin）")
@click.pass_context
def sync_command(ctx: click.Context, remote: str | None) -> int:
    """共有先と同期する: 取得し、手元の届出をその上に載せ直し、送る。

    他の端末が先に送っていたら取り込み直して送り直す。同じ業務が両方で変わっていたら中止し、
    手元の届出はそのまま残して、その業務を示す（終了コード 1）。
    """
    from todokede.registry.git.sync import sync_register

    result = sync_register(registry_root(ctx), remote)
    where = f"{result.remote}/{result.branch}"
    click.echo(f"同期しました（{where}）: 受け取り {result.received}件・送り出し {result.sent}件")
    if result.attempts > 1:
        click.echo(
            f"他の端末が先に送信していたため、取り込み直して送り直しました（{result.attempts}回目で完了）"
        )
    if result.upstream_set:
        click.echo(f"このブランチは今後 {where} と同期します")
    for note in result.notes:
        click.echo(note)
    return EXIT_OK


# -- demo ------------------------------------------------------------------------------


def open_in_tui(root: Path) -> int | None:
    """Open the register in the TUI on a terminal; None when there is no terminal."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    from todokede.tui.cli.app import run_tui  # Textual only when it opens

    return run_tui(root)


@click.command("demo")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--no-tui", is_flag=True, help="作るだけで画面（TUI）は開かない")
def demo_command(path: Path | None, no_tui: bool) -> int:
    """見本の登録簿を、届出を届出日のコミットとして再現した git 履歴付きで PATH に作る。

    PATH の省略時は現在のフォルダの todokede-demo。PATH は独立した git リポジトリになる
    （別のリポジトリの中でも、そこにはコミットしない）。既に登録簿があればそれを使う。
    """
    from todokede.registry.git.demo import DEFAULT_DIR, VISITOR, build_demo

    result = build_demo(path or Path(DEFAULT_DIR))
    shown = result.root
    if result.created:
        click.echo(f"見本の登録簿を作成しました: {shown}（コミット {result.commits}件）")
    else:
        click.echo(f"見本の登録簿は既にあります: {shown}（そのまま使います）")
    if result.identity_set:
        click.echo(
            f"git の利用者が未設定のため、見本では「{VISITOR[0]} <{VISITOR[1]}>」として"
            "届け出るよう設定しました"
        )
    if not no_tui:
        code = open_in_tui(shown)
        if code is not None:
            return code
    click.echo(f"開く: todokede --registry {shown}")
    click.echo(f"履歴: todokede --registry {shown} log / 差分: todokede --registry {shown} diff")
    return EXIT_OK


#: Registered by ``tui/cli.py``.
HISTORY_COMMANDS = (demo_command, file_command, log_command, diff_command, sync_command)

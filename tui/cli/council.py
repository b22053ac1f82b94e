"""``council`` and ``answer``: the council's meeting papers and its answers (答申).

Only click is imported here; the register, the builders and the renderers load
inside each command, so ``todokede --help`` stays light.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import cast

import click

from todokede.tui.cli.clihelp import DATE, EXIT_OK, EXIT_USAGE, Choice, fail, registry_root
from todokede.tui.cli.reports import emit, force_option, load_clean_register, output_option

MEETING_FORMATS = ("md", "html", "json")
RESULTS = ("approved", "conditional", "rejected")


@click.command("council")
@click.option(
    "--date",
    "day",
    type=DATE,
    required=True,
    help="審議会の開催日（例: 2016-10-25、平成28年10月25日）",
)
@click.option(
    "--from",
    "start",
    type=DATE,
    default=None,
    help="業務届出書の報告の期間の初日（省略時は前回の審議会の翌日）",
)
@click.option(
    "--to", "end", type=DATE, default=None, help="業務届出書の報告の期間の末日（省略時は開催日）"
)
@click.option(
    "--format",
    "fmt",
    type=Choice(MEETING_FORMATS),
    default=None,
    help="出力形式（省略時は -o の拡張子から、なければ md）",
)
@output_option
@force_option
@click.pass_context
def council(
    ctx: click.Context,
    day: date,
    start: date | None,
    end: date | None,
    fmt: str | None,
    output: Path | None,
    force: bool,
) -> int:
    """審議会の会議次第と資料を作る。

    (1) 諮問審議: 開催日の諮問（担当課・業務・諮問事項と委託先・結合先などの内容）、
    (2) 報告: 開催日の報告事項（変更の内容と諮問済みの根拠）と、開催日に回答した委員の意見、
    (3) 業務届出書の報告: 期間の業務届出報告書（既定は前回の審議会の翌日から開催日まで）。
    """
    from todokede.registry.schema.wareki import format_wareki
    from todokede.reports.council import PeriodError
    from todokede.reports.council_meeting import build_meeting
    from todokede.reports.output import render
    from todokede.tui.cli.reports import resolve_format

    if start is not None and end is not None and start > end:
        fail(
            f"--from（{format_wareki(start)}）が --to（{format_wareki(end)}）より後です。"
            "期間の初日と末日を確かめてください",
            EXIT_USAGE,
        )
    chosen = resolve_format("meeting", fmt, output, force)
    register = load_clean_register(ctx)
    try:
        meeting = build_meeting(register, day, start, end)
    except PeriodError as error:
        fail(f"{error}。--from と --to で期間を指定してください", EXIT_USAGE)
    emit(render(meeting, chosen), chosen, output)
    return EXIT_OK


@click.command("answer")
@click.argument("number", metavar="NUMBER")
@click.option(
    "--date", "day", type=DATE, required=True, help="答申日（例: 2016-10-25、平成28年10月25日）"
)
@click.option(
    "--result",
    type=Choice(RESULTS),
    required=True,
    help="答申の結果: approved（可）/ conditional（条件付き可）/ rejected（否）",
)
@click.option("--opinion", "opinions", multiple=True, help="委員の意見（複数回指定できる）")
@click.option("--author", default=None, help="記録者（「氏名 <メール>」。省略時は git の設定）")
@click.pass_context
def answer(
    ctx: click.Context,
    number: str,
    day: date,
    result: str,
    opinions: tuple[str, ...],
    author: str | None,
) -> int:
    """審議会の答申を記録し、その業務のファイルだけをコミットする。

    諮問番号（例: 平成28年度諮問第7号）の諮問に答申日と結果を書き、--opinion の意見を加える。
    """
    from todokede.registry.git.answer import answer_consultation
    from todokede.registry.git.repository import parse_author
    from todokede.registry.schema.errors import RegisterError
    from todokede.registry.schema.model import CouncilResult, name_problem
    from todokede.registry.schema.wareki import format_wareki
    from todokede.tui.cli.refusals import refusal_line

    if problem := name_problem(number):
        fail(f"諮問番号が正しくありません: {problem}", EXIT_USAGE)
    for text in opinions:
        if problem := name_problem(text):
            fail(f"--opinion の値が正しくありません: {problem}", EXIT_USAGE)
    if author:
        try:
            parse_author(author)
        except RegisterError as error:
            fail(refusal_line(error), EXIT_USAGE)
    answered = answer_consultation(
        registry_root(ctx), number, day, cast("CouncilResult", result), opinions, author
    )
    word, _, title = answered.subject.partition(": ")
    click.echo(f"{word}を記録しました: {title}")
    click.echo(
        f"コミット {answered.commit[:10]}（答申日 {format_wareki(day)}、記録者 {answered.author}）"
    )
    for note in answered.notes:
        click.echo(note)
    return EXIT_OK

"""``import``: an existing register kept in a spreadsheet, brought into entries/.

Only click is imported here; the readers and the builders load inside the command.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from todokede.tui.cli.clihelp import DATE, EXIT_OK, EXIT_USAGE, fail, registry_root


@click.command("import")
@click.argument("source", metavar="FILE", type=click.Path(path_type=Path))
@click.option(
    "--sheet", default=None, help="読み込むシートの名前（省略時は最初のシート、単票は全シート）"
)
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(path_type=Path),
    default=None,
    help="列・値・課の対応表（TOML）",
)
@click.option("--dry-run", is_flag=True, help="書き込まずに、取り込む内容と問題を表示する")
@click.option("--add-departments", is_flag=True, help="registry.toml にない課を加える")
@click.option(
    "--file-as-start",
    "file_as_start",
    type=DATE,
    default=None,
    help="取り込んだ業務をこの日付の開始届として1件ずつコミットする（登録簿の運用開始日）",
)
@click.option("--author", default=None, help="届出者（「氏名 <メール>」。省略時は git の設定）")
@click.pass_context
def import_register(
    ctx: click.Context,
    source: Path,
    sheet: str | None,
    mapping_path: Path | None,
    dry_run: bool,
    add_departments: bool,
    file_as_start: date | None,
    author: str | None,
) -> int:
    """表計算で管理している登録簿（xlsx・xls・ods・csv）を取り込む。

    見出しの行（「事務の名称」「担当課」など）を探して列を読み、同じ事務の行を1つの業務にまとめ、個人情報ファイルとともに entries/ に書き込む。既にある業務は上書きしない。
    """
    from todokede.reports.imports.describe import plan_lines
    from todokede.reports.imports.plan import plan_import, write_import

    if not source.exists():
        fail(f"ファイルがありません: {source}", EXIT_USAGE)
    if mapping_path is not None and not mapping_path.is_file():
        fail(f"対応表がありません: {mapping_path}", EXIT_USAGE)
    if dry_run and file_as_start is not None:
        fail("--dry-run と --file-as-start は一緒に使えません", EXIT_USAGE)
    root = registry_root(ctx)
    plan = plan_import(
        root, source, sheet=sheet, mapping_path=mapping_path, add_departments=add_departments
    )
    for line in plan_lines(plan, dry_run=dry_run):
        click.echo(line)
    if plan.blocked:  # the plan above says which rows; stderr says so in one line
        count = len(plan.errors) + len(plan.check_errors)
        fail(f"取り込めない行があります（エラー {count}件）。何も書き込んでいません")
    if dry_run:
        return EXIT_OK
    if not plan.entries:
        click.echo("新しく取り込む業務はありません")
        return EXIT_OK
    written = write_import(root, plan)
    click.echo(f"{len(written)}件の業務を entries/ に書き込みました")
    if file_as_start is None:
        click.echo(
            "次の手順: 内容を確かめ、todokede check の後、業務ごとに todokede file ID で届け出てください"
            "（まとめて開始届にするには --file-as-start 日付）"
        )
        return EXIT_OK
    from todokede.reports.imports.filing import file_imported

    for line in file_imported(root, plan, file_as_start, author):
        click.echo(line)
    return EXIT_OK

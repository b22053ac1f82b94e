"""``init``, ``new`` and ``check``: create a register and an entry, check them."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import click

from todokede.tui.cli.clihelp import (
    EXIT_CONTENT,
    EXIT_OK,
    EXIT_USAGE,
    fail,
    registry_root,
    text_or_json_option,
)


@click.command()
@click.option("--strict", is_flag=True, help="警告（項目一覧にない記録項目など）もエラーにする")
@text_or_json_option
@click.option(
    "--audit",
    is_flag=True,
    help="過去のコミットが [access] の権限に反していないかも調べる（作成者は自己申告のため目安）",
)
@click.option(
    "--book",
    is_flag=True,
    help="個人情報ファイル簿の問題だけを1つの一覧にする（ファイルの不足、機関のない課、"
    "同じファイル名、当たらない除外の理由など）",
)
@click.pass_context
def check(ctx: click.Context, strict: bool, fmt: str, audit: bool, book: bool) -> int:
    """登録簿のすべてのファイルを検査する（エラーがあれば終了コード 1）。

    --audit では、権限のない課の業務や registry.toml を変えたコミットを、field が audit の
    警告として示す（--strict ではエラー）。--book では個人情報ファイル簿の問題だけを示す。
    """
    from todokede.registry.views.check import check_book, check_path

    root = registry_root(ctx)
    if audit and book:
        fail("--audit と --book は同時に指定できません（別々に実行してください）", EXIT_USAGE)
    # A one-shot command whose objects all live until it exits: the cyclic
    # collector would only walk the loaded register again and again (the first
    # collections after a load took a quarter of a second on 5,000 entries).
    gc.disable()
    extra = []
    if audit:
        from todokede.registry.access.audit import audit_register

        extra = audit_register(root)
    result = check_book(root, strict) if book else check_path(root, strict, extra)
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        from todokede.registry.views.display import visible

        lines = [visible(problem.as_text()) for problem in [*result.errors, *result.warnings]]
        click.echo("\n".join([*lines, result.summary()]))
        if audit:
            from todokede.registry.access.audit import NOTE

            click.echo(NOTE)
    return EXIT_OK if result.ok else EXIT_CONTENT


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--municipality", default="", help="市区町村名（例: 東村山市）")
@click.option("--department", "departments", multiple=True, help="担当課（繰り返し指定できます）")
def init(path: Path, municipality: str, departments: tuple[str, ...]) -> int:
    """新しい空の登録簿を作る（git init、registry.toml、entries/）。"""
    from todokede.registry.git.setup import RegisterExists, init_register

    try:
        created = init_register(path, municipality, list(departments))
    except RegisterExists as error:
        fail(str(error))
    click.echo(f"登録簿を作成しました: {created.root}")
    for note in created.notes:
        click.echo(note)
    return EXIT_OK


@click.command()
@click.argument("entry_id", metavar="ID")
@click.option("--department", required=True, help="担当課（registry.toml の departments のどれか）")
@click.option("--name", required=True, help="業務の名称")
@click.pass_context
def new(ctx: click.Context, entry_id: str, department: str, name: str) -> int:
    """記入用のエントリファイルを作る（まだ届出はしない）。"""
    from todokede.registry.files.store import load_config_or_raise
    from todokede.registry.git.setup import new_entry
    from todokede.registry.schema.model import entry_id_problem, name_problem

    if problem := entry_id_problem(entry_id):
        fail(problem, EXIT_USAGE)
    root = registry_root(ctx)
    config = load_config_or_raise(root)
    if department not in config.departments:
        fail(
            f"担当課「{department}」は registry.toml にありません"
            f"（{'、'.join(config.departments)}）",
            EXIT_USAGE,
        )
    if not name.strip():
        fail("業務の名称が空です", EXIT_USAGE)
    if problem := name_problem(name.strip()):
        fail(f"業務の名称「{name.strip()}」は使えません: {problem}", EXIT_USAGE)
    path = new_entry(root, entry_id, department, name.strip())
    click.echo(f"作成しました: {path.relative_to(root)}")
    click.echo(
        f"内容を記入してから `todokede file {entry_id} --kind start --date 日付` で"
        "開始届を出してください"
    )
    return EXIT_OK

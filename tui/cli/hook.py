"""``todokede hook install PATH``: enforce ``[access]`` on the shared bare repository."""

from __future__ import annotations

from pathlib import Path

import click

from todokede.tui.cli.clihelp import EXIT_OK, EXIT_USAGE, fail


@click.group("hook")
def hook() -> None:
    """共有先（ベアリポジトリ）のフック: 課ごとの権限（registry.toml の [access]）を送信時に強制する。"""


@hook.command("install")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--identity-var",
    default="REMOTE_USER",
    show_default=True,
    help="送信者の利用者名を持つサーバーの環境変数（例: REMOTE_USER、GL_USER、GITEA_PUSHER_EMAIL）",
)
@click.option(
    "--allow-unconfigured",
    is_flag=True,
    help="registry.toml に [access] がないあいだは、権限を確かめずに受け付ける（警告を出す）",
)
@click.option("--force", is_flag=True, help="既にある別の pre-receive フックを置き換える")
def install(path: Path, identity_var: str, allow_unconfigured: bool, force: bool) -> int:
    """PATH のベアリポジトリに pre-receive フックを入れる。

    送信されたコミットが、送信者（サーバーの環境変数で認証された利用者。コミットの作成者ではない）に
    権限のない課の業務や registry.toml を変えていれば、送信全体を拒否し、コミット・業務・規則を示す。
    """
    from todokede.registry.access.hook import NotBareRepository, install_hook

    try:
        installed = install_hook(path, identity_var, allow_unconfigured, force)
    except NotBareRepository as error:
        fail(str(error), EXIT_USAGE)
    verb = "置き換えました" if installed.replaced else "入れました"
    click.echo(f"pre-receive フックを{verb}: {installed.path}（送信者: ${identity_var}）")
    for note in installed.notes:
        click.echo(note)
    return EXIT_OK

"""What the TUI says when something went wrong: one Japanese line, never a traceback.

:func:`describe_failure` is the one place every screen, dialog and worker turns
an exception into words: a refused filing or export from this module's tables
(the fields the screens have: 区分「変更」, 「見直し」, 届出者, 上書き; days in
和暦), a register's refusal as it says itself, an OS error by its reason, and
anything else as an unexpected error naming its type. The command line words
the same refusals with its options in ``todokede.tui.cli.refusals``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from todokede.registry.schema.errors import FilingRefused, RegisterError
from todokede.registry.schema.wareki import WarekiError, format_wareki
from todokede.reports.target import ExportRefused

if TYPE_CHECKING:
    from todokede.registry.schema.errors import FilingReason, RefusalField
    from todokede.reports.target import ExportReason

#: A refused filing in the filing dialog's words (and the main screen's for ``f``).
FILING_WORDS: Final[dict[FilingReason, str]] = {
    "no-entry": "エントリ「{entry_id}」のファイルがありません: {path}",
    "already-filed": (
        "「{entry_id}」は既に届出されています"
        "（変更なら区分「変更」、廃止なら区分「廃止」で届け出てください）"
    ),
    "filings-before-start": (
        "「{entry_id}」はまだ届出されていないのに届出の記録（[[filings]]）があります"
        "（届出の記録は届出の際に書き込まれます。[[filings]] を消してから開始届を出してください）"
    ),
    "not-started": "「{entry_id}」はまだ開始届が出ていません（区分「開始」で届け出てください）",
    "abolished": "「{name}」は{day}に廃止されています（廃止後の届出はできません）",
    "filings-rewritten": (
        "「{entry_id}」の届出の記録（[[filings]]）が前回の届出から書き換えられています"
        "（届出の記録は届出の際に追加されます。[[filings]] を元に戻してください）"
    ),
    "unchanged": (
        "「{entry_id}」は前回の届出から変わっていません"
        "（内容を直してから届け出るか、見直しだけなら「見直し」にチェックを付けてください）"
    ),
    "before-last-filing": "届出日 {day} が前回の届出日（{last}）より前です",
    "abolish-with-review": "廃止届は見直しを兼ねられません（「見直し」のチェックを外してください）",
    "registry-not-committed": (
        "{file} がまだコミットされていません。先に git add {shown} と"
        " git commit でコミットしてから届け出てください"
    ),
    "registry-uncommitted": (
        "{file} に未コミットの変更があります。先に git commit {shown} で"
        "コミットしてから届け出てください（届出はエントリだけをコミットします）"
    ),
    "no-identity": (
        "git の利用者が設定されていません（git config で user.name と user.email を設定するか、"
        "届出では届出者の欄に「氏名 <メール>」を入力してください）"
    ),
    "no-author": "届出者を「氏名 <メール>」の形で入力してください",
    "author-malformed": "届出者は「氏名 <メール>」の形で書いてください: {author}",
}

#: A refused export in the report screen's words (its path field, its format list).
EXPORT_WORDS: Final[dict[ExportReason, str]] = {
    "folder": "出力先 {path} はフォルダです。ファイル名を入力してください",
    "no-folder": "出力先のフォルダがありません: {folder}",
    "not-writable": "{path} に書き出せません: {problem}",
    "suffix-mismatch": (
        "出力先 {name} の拡張子は {named} 形式ですが、形式は {fmt} が選ばれています"
        "（形式か拡張子を合わせてください）"
    ),
    "suffix-unknown": "出力先 {name} の拡張子から形式が分かりません",
    "no-such-format": "この文書は {fmt} 形式では書き出せません",
    "needs-file": "{fmt} 形式は出力先のファイル名を入力して書き出してください",
    "exists": "{name} は既にあります",
}


def _field(value: RefusalField) -> str:
    """A refusal's field as the screens show it: a day in 和暦."""
    if isinstance(value, date):
        try:
            return format_wareki(value)
        except WarekiError:  # before 明治: as it is
            return value.isoformat()
    return value


def refusal_text(refused: FilingRefused | ExportRefused) -> str:
    """A refused filing or export in the screens' words."""
    if isinstance(refused, FilingRefused):
        fields = {key: _field(value) for key, value in refused.fields.items()}
        return FILING_WORDS[refused.reason].format(**fields)
    return EXPORT_WORDS[refused.reason].format(**refused.fields)


def describe_failure(error: BaseException) -> str:
    """One line for anything that went wrong, the same on every screen: never a
    traceback, never several lines."""
    if isinstance(error, FilingRefused | ExportRefused):
        text = refusal_text(error)
    elif isinstance(error, RegisterError):
        text = str(error)
    elif isinstance(error, OSError) and error.strerror:
        text = f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    else:
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        text = f"予期しないエラーです（{detail}）"
    return " ".join(text.splitlines()) or text

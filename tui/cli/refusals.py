"""The command line's words for a refused filing or export: one line each, naming its options.

The core says why (:class:`todokede.registry.schema.errors.FilingRefused`,
:class:`todokede.reports.target.ExportRefused`: a reason and its fields); these
tables say it as ``todokede file``, ``report`` and ``export`` say it
(``--kind change``, ``--review``, ``--author``, ``--format``, ``--force``). The TUI
words the same reasons for its screens in ``todokede.tui.failures``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from todokede.registry.schema.errors import FilingReason, RefusalField
    from todokede.reports.target import ExportReason

#: Each reason's line; ``{field}`` is the refusal's field (a day as 2016-03-22).
FILING_WORDS: Final[dict[FilingReason, str]] = {
    "no-entry": "エントリ「{entry_id}」がありません: {path}（todokede new で作成できます）",
    "already-filed": (
        "「{entry_id}」は既に届出されています"
        "（変更なら --kind change、廃止なら --kind abolish で届け出てください）"
    ),
    "filings-before-start": (
        "「{entry_id}」はまだ届出されていないのに届出の記録（[[filings]]）があります"
        "（届出の記録は todokede file が書きます。[[filings]] を消してから開始届を出してください）"
    ),
    "not-started": "「{entry_id}」はまだ開始届が出ていません（--kind start で届け出てください）",
    "abolished": "「{entry_id}」は {day} に廃止されています（廃止後の届出はできません）",
    "filings-rewritten": (
        "「{entry_id}」の届出の記録（[[filings]]）が前回の届出から書き換えられています"
        "（届出は todokede file が追加します。[[filings]] を元に戻してください）"
    ),
    "unchanged": (
        "「{entry_id}」は前回の届出から変わっていません"
        "（内容を直してから届け出るか、見直しだけなら --review を付けてください）"
    ),
    "before-last-filing": "届出日 {day} が前回の届出日（{last}）より前です",
    "abolish-with-review": "廃止届は見直しを兼ねられません（--review を外してください）",
    "registry-not-committed": (
        "{file} がまだコミットされていません。先に git add {shown} と"
        " git commit でコミットしてから届け出てください"
    ),
    "registry-uncommitted": (
        "{file} に未コミットの変更があります。先に git commit {shown} で"
        "コミットしてから届け出てください（届出はエントリだけをコミットします）"
    ),
    "no-identity": (
        "git の利用者が設定されていません（git config user.name と user.email を設定するか、"
        '--author "氏名 <メール>" を付けてください）'
    ),
    "no-author": "--author に「氏名 <メール>」を指定してください",
    "author-malformed": "--author は「氏名 <メール>」の形で書いてください: {author}",
}


#: Each refused export's line (``report``/``export`` with ``-o``, ``--format``, ``--force``).
EXPORT_WORDS: Final[dict[ExportReason, str]] = {
    "folder": "出力先 {path} はフォルダです。ファイル名を指定してください",
    "no-folder": "出力先のフォルダがありません: {folder}",
    "not-writable": "{path} に書き出せません: {problem}",
    "suffix-mismatch": "出力先 {name} の拡張子は {named} 形式ですが、--format は {fmt} です",
    "suffix-unknown": "出力先 {name} の拡張子から形式が分かりません（--format で指定してください）",
    "no-such-format": "この文書は {fmt} 形式では出力できません",
    "needs-file": "XLSX は -o でファイルを指定してください（例: -o 報告書.xlsx）",
    "exists": "{path} は既にあります（上書きするには --force を付けてください）",
}


def _field(value: RefusalField) -> str:
    return value.isoformat() if isinstance(value, date) else value


def refusal_line(error: Exception) -> str:
    """The one line ``error`` is said in: a refused filing or export from its
    table, any other error as it says itself."""
    from todokede.registry.schema.errors import FilingRefused
    from todokede.reports.target import ExportRefused

    if isinstance(error, FilingRefused):
        fields = {key: _field(value) for key, value in error.fields.items()}
        return FILING_WORDS[error.reason].format(**fields)
    if isinstance(error, ExportRefused):
        return EXPORT_WORDS[error.reason].format(**error.fields)
    return str(error)

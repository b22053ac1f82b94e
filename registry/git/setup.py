"""Create a register (``init``), a skeleton entry (``new``); find the sample."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import tomlkit

from todokede.registry.files.filenotes import FILL_IN_NOTE
from todokede.registry.files.store import (
    ENTRIES_DIR,
    REGISTRY_FILE,
    RegisterError,
    atomic_write,
    entry_path,
)

#: ``registry/sample`` links to the repository's own ``entries/`` and ``registry.toml``,
#: so the source tree, an editable install and a wheel (which copies them) all have it.
SAMPLE_PACKAGE_DIR = Path(__file__).resolve().parents[1] / "sample"


class RegisterExists(RegisterError):
    """There is already a register (or entry) where one was to be created."""


@dataclass
class Created:
    root: Path
    notes: list[str] = field(default_factory=list)


def _toml(value: object) -> str:
    return tomlkit.item(value).as_string()


def registry_template(municipality: str, departments: list[str]) -> str:
    """The text of a new ``registry.toml``, commented for the secretariat."""
    return (
        "# 個人情報取扱業務登録簿の設定\n"
        f"name = {_toml('個人情報取扱業務登録簿')}\n"
        f"municipality = {_toml(municipality)}    # 市区町村名\n"
        "review_interval_years = 10        # 見直し周期（年）\n"
        "review_warning_months = 6         # 見直し期限の何か月前から「期限間近」とするか\n"
        "# 担当課（この順に報告書・一覧に並びます。ここにない課はエラーになります）\n"
        f"departments = {_toml(departments or ['総務課'])}\n"
        "# 報告書などの作成課（審議会の資料に載せる名称）\n"
        '# author = "総務部総務課"\n'
        "\n"
        "# 項目一覧に記録項目を追加するとき:\n"
        "# [[catalog.items]]\n"
        '# name = "○○番号"\n'
        '# category = "その他"   # 基本的事項, 思想・信条等, 家庭生活, 心身の状況, 社会生活, '
        "資産・収入等, その他\n"
        "# sensitive = false     # 要配慮個人情報なら true\n"
        "# ordinance_sensitive = false   # 条例で定める条例要配慮個人情報なら true\n"
        "\n"
        "# 個人情報ファイル簿（法75条）の機関（行政機関等）と、開示請求等を受理する組織:\n"
        "# 課はどれか1つの機関に書く。[[agencies]] がなければ機関は「（市区町村名）長」の1つになる。\n"
        "# [[agencies]]\n"
        '# name = "○○市長"\n'
        '# departments = ["総務課"]\n'
        '# disclosure_office = "総務部総務課"\n'
        '# disclosure_address = "○○県○○市○○町1番1号"\n'
        "# 部と課（ファイル簿の「事務をつかさどる組織の名称」に部を付けるとき）:\n"
        "# [divisions]\n"
        '# "総務部" = ["総務課"]\n'
        "# ファイル簿に載せる本人の数の下限（法74条2項9号。0ならすべて載せる）:\n"
        "# [filebook]\n"
        "# min_persons = 1000\n"
        "\n"
        "# 共有先（todokede hook install で入れるフック）で、課ごとに編集できる利用者を限るとき:\n"
        "# 利用者はサーバーが認証した名前（REMOTE_USER など。メールなら大文字小文字を区別しない）。\n"
        "# secretariat はすべての課の業務と、このファイルを編集できる。ここにない課の業務は\n"
        "# secretariat だけが編集できる。[access] がない共有先は、フックが送信をすべて拒否する。\n"
        "# [access]\n"
        '# secretariat = ["soumu-yamada"]\n'
        '# "課税課" = ["kazei-tanaka", "kazei-sato"]\n'
    )


def init_register(
    path: Path, municipality: str = "", departments: list[str] | None = None
) -> Created:
    """A new register at ``path``: git repository, ``registry.toml``, ``entries/``."""
    from todokede.registry.git.message import REGISTER_CREATED
    from todokede.registry.git.repository import commit_paths, ensure_repo

    root = path.expanduser().resolve()
    if (root / REGISTRY_FILE).exists():
        raise RegisterExists(f"既に登録簿があります: {root / REGISTRY_FILE}")
    root.mkdir(parents=True, exist_ok=True)
    (root / ENTRIES_DIR).mkdir(exist_ok=True)
    keep = root / ENTRIES_DIR / ".gitkeep"
    keep.touch()
    atomic_write(root / REGISTRY_FILE, registry_template(municipality, departments or []))
    created = Created(root)
    repo = ensure_repo(root)
    if not municipality:
        created.notes.append(
            f"{REGISTRY_FILE} の municipality（市区町村名）と departments（担当課）を記入してください"
        )
    try:
        commit_paths(repo, [root / REGISTRY_FILE, keep], REGISTER_CREATED)
    except RegisterError as error:
        created.notes.append(f"最初のコミットはしていません: {error}")
    return created


def skeleton_text(name: str, department: str) -> str:
    """A new entry to fill in: required fields empty, every field explained."""
    return (
        f"# {department} {name}\n"
        f"# {FILL_IN_NOTE}\n"
        f"name = {_toml(name)}    # 業務の名称（必須）\n"
        f"department = {_toml(department)}    # 担当課（必須）\n"
        'section = ""    # 担当係\n'
        'purpose = ""    # 業務の目的（必須）\n'
        'legal_basis = []    # 根拠法令（例: ["地方税法"]）\n'
        'subjects = []    # 記録の対象者の範囲（必須、例: ["市内に住所を有する65歳以上の者"]）\n'
        'record_items = []    # 記録項目（必須、例: ["氏名", "住所", "生年月日"]）\n'
        'sources = []    # 収集先（例: ["本人"]）\n'
        'collection_methods = []    # 収集方法（例: ["申請書"]）\n'
        "computer_processing = true    # 電子計算機処理（紙だけなら false）\n"
        'retention = ""    # 保存期間（例: "5年"）\n'
        'status = "active"\n'
        "\n"
        "# 委託があれば:\n"
        "# [[outsourcing]]\n"
        '# contractor = "株式会社○○"\n'
        '# scope = "委託する業務の内容"\n'
        "# since = 2026-04-01\n"
        "\n"
        "# 個人情報ファイル（ファイル簿の単票。業務ごとに1つ以上）:\n"
        "# [[files]]\n"
        '# name = "○○台帳ファイル"    # 個人情報ファイルの名称（登録簿の中で1つ）\n'
        '# kind = "computer"    # computer 電算処理 | manual マニュアル処理\n'
        '# record_items = ["氏名", "住所"]    # 業務の記録項目から\n'
        "# persons = 1000    # 本人の数（おおよその数）\n"
        "# recipients = []    # 経常的提供先（機関の外への提供先）\n"
        '# exemption = ""    # ファイル簿に載せない理由（例: "74-2-3"）\n'
        "# since = 2026-04-01    # ファイル簿に記載した日\n"
    )


def new_entry(root: Path, entry_id: str, department: str, name: str) -> Path:
    """Write a skeleton entry file; refuses to overwrite an existing one."""
    path = entry_path(root, entry_id)
    if path.exists():
        raise RegisterExists(f"エントリ「{entry_id}」は既にあります: {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, skeleton_text(name, department))
    return path


def sample_root() -> Path:
    """The sample register: packaged data when installed, else the source tree."""
    for candidate in (SAMPLE_PACKAGE_DIR, Path(__file__).resolve().parents[2]):
        real = (candidate / REGISTRY_FILE).resolve().parent  # the links' target, never a link
        if (real / REGISTRY_FILE).is_file() and (real / ENTRIES_DIR).is_dir():
            return real
    raise RegisterError("見本の登録簿が見つかりません（インストールを確かめてください）")

"""The record-item catalog (記録項目): built-in items, aliases and flags.

Every record item has one of the seven categories of the municipal forms and
two flags: ``sensitive`` (要配慮個人情報) and ``my_number`` (個人番号, which makes
a process handle 特定個人情報). Names are compared after NFKC folding, so
full-width letters and digits match their half-width forms, and aliases fold to
one canonical name (マイナンバー → 個人番号). ``registry.toml`` may add items.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

CATEGORIES: Final[tuple[str, ...]] = (
    "基本的事項",
    "思想・信条等",
    "家庭生活",
    "心身の状況",
    "社会生活",
    "資産・収入等",
    "その他",
)


def fold(text: str) -> str:
    """NFKC-normalise and strip a record-item name for comparison."""
    return unicodedata.normalize("NFKC", text).strip()


@dataclass(frozen=True)
class CatalogItem:
    """One record item of the catalog."""

    name: str
    category: str
    sensitive: bool = False
    my_number: bool = False
    aliases: tuple[str, ...] = ()
    #: 条例要配慮個人情報: none built in (each city's ordinance names its own).
    ordinance_sensitive: bool = False


def _item(
    name: str,
    category: str,
    *aliases: str,
    sensitive: bool = False,
    my_number: bool = False,
) -> CatalogItem:
    return CatalogItem(name, category, sensitive, my_number, tuple(aliases))


BUILTIN_ITEMS: Final[tuple[CatalogItem, ...]] = (
    # 基本的事項
    _item("氏名", "基本的事項", "名前", "氏名・名称"),
    _item("フリガナ", "基本的事項", "ふりがな", "カナ氏名", "氏名カナ"),
    _item("性別", "基本的事項"),
    _item("生年月日", "基本的事項"),
    _item("年齢", "基本的事項"),
    _item("住所", "基本的事項", "現住所", "住所・居所"),
    _item("電話番号", "基本的事項", "電話", "連絡先電話番号", "携帯電話番号"),
    _item("電子メールアドレス", "基本的事項", "メールアドレス", "Eメールアドレス"),
    _item("本籍", "基本的事項", "本籍地"),
    _item("国籍", "基本的事項", "国籍・地域"),
    _item("在留資格", "基本的事項", "在留カード番号"),
    _item(
        "個人番号",
        "基本的事項",
        "マイナンバー",
        "個人番号（マイナンバー）",
        "職員の個人番号",
        my_number=True,
    ),
    _item("宛名番号", "基本的事項", "住民番号", "個人コード"),
    _item("世帯番号", "基本的事項"),
    _item("顔写真", "基本的事項", "写真"),
    _item("署名", "基本的事項", "署名・押印"),
    _item("使用言語", "基本的事項", "言語"),
    # 思想・信条等
    _item("思想", "思想・信条等", sensitive=True),
    _item("信条", "思想・信条等", "信仰", sensitive=True),
    _item("宗教", "思想・信条等", sensitive=True),
    _item("支持政党", "思想・信条等", sensitive=True),
    # 家庭生活
    _item("家族構成", "家庭生活", "家族状況", "世帯構成"),
    _item("続柄", "家庭生活", "世帯主との続柄"),
    _item("婚姻状況", "家庭生活", "婚姻", "婚姻歴"),
    _item("扶養親族", "家庭生活", "扶養の状況", "扶養親族の状況"),
    _item("親族の状況", "家庭生活", "親族関係"),
    _item("住居の状況", "家庭生活", "住居", "居住状況"),
    _item("生活の状況", "家庭生活", "生活状況", "家庭の状況"),
    _item("保護者の氏名", "家庭生活", "保護者氏名"),
    # 心身の状況
    _item("健康状態", "心身の状況", "健康状況"),
    _item("身体的特徴", "心身の状況", "身長・体重"),
    _item("病歴", "心身の状況", "既往歴", sensitive=True),
    _item("障害の状況", "心身の状況", "障害", "障害の種別・程度", sensitive=True),
    _item(
        "健康診断等の結果",
        "心身の状況",
        "健康診断の結果",
        "健診結果",
        "検診結果",
        "検査結果",
        sensitive=True,
    ),
    _item(
        "診療・調剤情報",
        "心身の状況",
        "診療情報",
        "調剤情報",
        "診療・調剤",
        sensitive=True,
    ),
    _item("要介護状態", "心身の状況", "要介護度", "要介護認定の状況"),
    _item("保健指導の内容", "心身の状況", "保健指導", sensitive=True),
    # 社会生活
    _item("学歴", "社会生活"),
    _item("在学状況", "社会生活", "学校名", "在籍校"),
    _item("職業・職歴", "社会生活", "職業", "職歴"),
    _item("勤務先", "社会生活", "勤務先名称", "事業所名"),
    _item("資格・免許", "社会生活", "資格", "免許"),
    _item("賞罰", "社会生活"),
    _item("人事評価", "社会生活", "勤務成績", "成績・評価"),
    _item("社会的身分", "社会生活", sensitive=True),
    _item("犯罪の経歴", "社会生活", "前科", "犯罪歴", sensitive=True),
    _item(
        "犯罪により害を被った事実",
        "社会生活",
        "犯罪被害",
        "犯罪被害の事実",
        sensitive=True,
    ),
    _item(
        "刑事・少年事件の手続",
        "社会生活",
        "刑事事件の手続",
        "少年保護事件の手続",
        sensitive=True,
    ),
    _item("相談内容", "社会生活", "相談記録", "相談の内容"),
    # 資産・収入等
    _item("所得の状況", "資産・収入等", "所得", "収入", "収入の状況", "所得額"),
    _item("資産の状況", "資産・収入等", "資産", "資産状況"),
    _item("固定資産の状況", "資産・収入等", "土地・家屋の状況", "課税物件"),
    _item("納税の状況", "資産・収入等", "納税状況", "課税状況", "滞納の状況"),
    _item("税額", "資産・収入等", "課税額", "税額・保険料額"),
    _item("金融機関口座", "資産・収入等", "口座番号", "預金口座", "振込先口座"),
    _item("給与の状況", "資産・収入等", "給与", "給与額"),
    _item("年金の受給状況", "資産・収入等", "年金", "年金受給状況"),
    _item("生活保護の受給状況", "資産・収入等", "生活保護の状況", "保護の状況"),
    _item("保険の加入状況", "資産・収入等", "保険加入状況", "保険契約の内容"),
    _item("保険料の状況", "資産・収入等", "保険料", "保険料額"),
    _item("給付の状況", "資産・収入等", "給付額", "支給額", "手当の支給状況"),
    _item("債権・債務の状況", "資産・収入等", "債務", "借入金"),
    # その他
    _item("人種", "その他", "民族", sensitive=True),
    _item("被保険者番号", "その他", "被保険者証番号"),
    _item("受給者番号", "その他", "受給者証番号"),
    _item("自動車登録番号", "その他", "車両番号", "標識番号"),
    _item("申請内容", "その他", "申請の内容", "届出内容"),
    _item("意見・要望", "その他", "意見", "要望"),
    _item("調査の回答", "その他", "アンケートの回答", "調査票の回答"),
    _item("利用状況", "その他", "サービス利用状況", "利用実績"),
)


@dataclass
class Catalog:
    """A lookup table of record items, built-in plus those of a register."""

    items: list[CatalogItem] = field(default_factory=list)
    _by_name: dict[str, CatalogItem] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        items, self.items = self.items, []
        for item in items:
            self.add(item)

    def add(self, item: CatalogItem) -> None:
        """Add an item (a register's own items override built-in ones)."""
        self.items = [i for i in self.items if fold(i.name) != fold(item.name)]
        self.items.append(item)
        self._by_name[fold(item.name)] = item
        for alias in item.aliases:
            self._by_name[fold(alias)] = item

    def lookup(self, name: str) -> CatalogItem | None:
        """The catalog item a name or alias stands for, if any."""
        found = self._by_name.get(name)  # most names are already canonical
        return found if found is not None else self._by_name.get(fold(name))

    def canonical(self, name: str) -> str:
        """The canonical name of an item (the folded input when unknown)."""
        item = self.lookup(name)
        return item.name if item else fold(name)

    def is_sensitive(self, name: str) -> bool:
        item = self.lookup(name)
        return bool(item and item.sensitive)

    def is_ordinance_sensitive(self, name: str) -> bool:
        item = self.lookup(name)
        return bool(item and item.ordinance_sensitive)

    def is_my_number(self, name: str) -> bool:
        item = self.lookup(name)
        return bool(item and item.my_number)

    def by_category(self) -> Iterator[tuple[str, list[CatalogItem]]]:
        """Items grouped by category, in the order of the forms."""
        for category in CATEGORIES:
            members = [i for i in self.items if i.category == category]
            if members:
                yield category, members


def builtin_catalog(extra: Iterable[CatalogItem] = ()) -> Catalog:
    """The built-in catalog, extended by ``extra`` items."""
    catalog = Catalog(list(BUILTIN_ITEMS))
    for item in extra:
        catalog.add(item)
    return catalog

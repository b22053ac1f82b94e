"""A small register holding every case of the statutory book (tests of ``export --book files``).

Two organs (東村山市長 with 総務部・市民部・健康福祉部, 東村山市教育委員会 with 教育部),
and files that are listed (電算処理 beside its マニュアル処理 counterpart, a
経常的提供先, a special procedure, 匿名加工情報の提案募集, a 要配慮 and a 条例要配慮
item, a withheld record item and 経常的提供先), or left out: a staff file (74-2-3),
one under 1,000 本人 (74-2-9 without saying so) and one kept out whole (法75条3項).
An entry not yet filed and an abolished one hold files the book never shows.
"""

from __future__ import annotations

from pathlib import Path

CONFIG = """\
name = "個人情報取扱業務登録簿"
municipality = "東村山市"
departments = ["総務課", "人事課", "課税課", "健康増進課", "学務課"]

[[agencies]]
name = "東村山市長"
departments = ["総務課", "人事課", "課税課", "健康増進課"]
disclosure_office = "総務部総務課情報公開係"
disclosure_address = "東京都東村山市本町一丁目2番地の3"

[[agencies]]
name = "東村山市教育委員会"
departments = ["学務課"]
disclosure_office = "教育部教育総務課"
disclosure_address = "東京都東村山市本町一丁目2番地の3"

[divisions]
"総務部" = ["総務課", "人事課"]
"市民部" = ["課税課"]
"健康福祉部" = ["健康増進課"]
"教育部" = ["学務課"]

[filebook]
min_persons = 1000

[[catalog.items]]
name = "ひとり親世帯である旨"
category = "家庭生活"
ordinance_sensitive = true
"""

ENTRIES = {
    "kazei-kojin-juminzei": """\
name = "個人住民税賦課事務"
department = "課税課"
section = "市民税係"
purpose = "地方税法に基づき個人住民税を賦課するため"
legal_basis = ["地方税法"]
subjects = ["個人住民税の納税義務者", "扶養親族"]
record_items = ["氏名", "住所", "生年月日", "個人番号", "所得の状況", "家族構成"]
sources = ["本人", "給与支払者", "税務署"]
collection_methods = ["申告書", "給与支払報告書"]
status = "active"

[[filings]]
date = 2005-04-01
kind = "start"
summary = "業務開始"

[[files]]
name = "個人住民税課税台帳ファイル"
kind = "computer"
record_items = ["氏名", "住所", "生年月日", "個人番号", "所得の状況", "家族構成"]
persons = 85000
collection = "申告書、給与支払報告書、国税連携による所得税確定申告書の写し"
recipients = ["東京都（地方税法第294条第3項）"]
special_procedure = "地方税法の規定による更正の請求及び審査請求の手続"
since = 2023-04-01

[[files]]
name = "個人住民税申告書綴"
kind = "manual"
record_items = ["氏名", "住所", "生年月日", "所得の状況"]
persons = 20000
since = 2023-04-01
notes = "申告書の原本を年度ごとに綴ったもの"

[[files]]
name = "個人住民税税務調査ファイル"
kind = "computer"
record_items = ["氏名", "住所", "所得の状況"]
persons = 3000
collection = "税務調査"
recipients = ["税務署"]
withheld = ["item:所得の状況", "recipients"]
since = 2024-10-01

[[files]]
name = "個人住民税減免申請者ファイル"
kind = "manual"
record_items = ["氏名", "住所", "所得の状況"]
persons = 400
since = 2023-04-01
""",
    "jinji-shokuin-kyuyo": """\
name = "職員給与事務"
department = "人事課"
purpose = "職員の給与を支給するため"
subjects = ["職員"]
record_items = ["氏名", "住所", "給与の状況", "金融機関口座"]
status = "active"

[[filings]]
date = 2000-04-01
kind = "start"
summary = "業務開始"

[[files]]
name = "職員給与ファイル"
kind = "computer"
record_items = ["氏名", "住所", "給与の状況", "金融機関口座"]
persons = 1800
exemption = "74-2-3"
since = 2023-04-01
""",
    "kenko-gan-kenshin": """\
name = "がん検診事務"
department = "健康増進課"
purpose = "健康増進法に基づくがん検診を実施し、受診者の健康の保持増進を図るため"
subjects = ["がん検診の受診者"]
record_items = ["氏名", "生年月日", "住所", "健康診断等の結果", "病歴"]
sources = ["本人", "検診実施医療機関"]
collection_methods = ["検診申込書", "検診結果票"]
status = "active"

[[filings]]
date = 2010-04-01
kind = "start"
summary = "業務開始"

[[files]]
name = "がん検診受診者ファイル"
kind = "computer"
record_items = ["氏名", "生年月日", "住所", "健康診断等の結果", "病歴"]
persons = 12000
proposals = true
since = 2023-04-01
""",
    "gakumu-shugaku-enjo": """\
name = "就学援助事務"
department = "学務課"
section = "学務係"
purpose = "経済的理由により就学が困難な児童・生徒の保護者に学用品費等を援助するため"
subjects = ["就学援助の申請者（保護者）", "市立小・中学校に在籍する児童・生徒"]
record_items = ["氏名", "生年月日", "住所", "所得の状況", "生活保護の受給状況", "ひとり親世帯である旨"]
sources = ["保護者", "課税課"]
collection_methods = ["就学援助申請書"]
status = "active"

[[filings]]
date = 1995-04-01
kind = "start"
summary = "業務開始"

[[files]]
name = "就学援助認定ファイル"
kind = "computer"
record_items = ["氏名", "生年月日", "住所", "所得の状況", "生活保護の受給状況", "ひとり親世帯である旨"]
persons = 2500
since = 2023-04-01

[[files]]
name = "就学援助相談記録"
kind = "manual"
record_items = ["氏名", "住所", "生活保護の受給状況"]
persons = 1200
unlisted = true
since = 2023-04-01
""",
    "soumu-draft": """\
name = "まだ届け出ていない事務"
department = "総務課"
purpose = "試しに作った事務"
subjects = ["市民"]
record_items = ["氏名", "住所"]
status = "active"

[[files]]
name = "届出前のファイル"
kind = "computer"
record_items = ["氏名", "住所"]
persons = 5000
""",
    "soumu-haishi": """\
name = "廃止した事務"
department = "総務課"
purpose = "以前行っていた事務"
subjects = ["市民"]
record_items = ["氏名", "住所"]
status = "abolished"

[[filings]]
date = 2001-04-01
kind = "start"
summary = "業務開始"

[[filings]]
date = 2024-03-31
kind = "abolish"
summary = "業務廃止"

[[files]]
name = "廃止した事務のファイル"
kind = "computer"
record_items = ["氏名", "住所"]
persons = 5000
""",
}

#: The listed files of the book, by organ, in the register's order.
LISTED = {
    "東村山市長": [
        "個人住民税課税台帳ファイル",
        "個人住民税申告書綴",
        "個人住民税税務調査ファイル",
        "がん検診受診者ファイル",
    ],
    "東村山市教育委員会": ["就学援助認定ファイル"],
}


def write_book_register(root: Path) -> Path:
    """The register at ``root`` (``registry.toml`` and ``entries/``)."""
    (root / "entries").mkdir(parents=True)
    (root / "registry.toml").write_text(CONFIG, encoding="utf-8")
    for entry_id, text in ENTRIES.items():
        (root / "entries" / f"{entry_id}.toml").write_text(text, encoding="utf-8")
    return root

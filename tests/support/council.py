"""A small register holding one meeting's council items (平成28年10月25日), for the
meeting's and ``answer``'s tests: a consultation asked that day, a report made that
day with the filing it covers, an earlier consultation whose opinion is answered
that day, and a filing of the period."""

from __future__ import annotations

from pathlib import Path

MEETING_CONFIG = """\
name = "個人情報取扱業務登録簿"
municipality = "東村山市"
author = "総務部総務課"
review_interval_years = 10
review_warning_months = 6
departments = ["総務課", "生活福祉課", "保険年金課", "子ども・教育支援課"]
"""

SODAN = """\
# 子ども・教育支援課 子ども相談業務
name = "子ども相談業務"
department = "子ども・教育支援課"
purpose = "子どもと保護者からの相談に応じ、支援するため"
subjects = ["相談者", "相談に係る子ども"]
record_items = ["氏名", "住所", "相談内容"]

[[outsourcing]]
contractor = "シャープビジネスソリューション株式会社"
scope = "子ども相談システムの導入作業、データ移行及び保守管理"

[[council]]
kind = "consultation"
number = "平成28年度諮問第7号"   # 第4回審議会
subject = "子ども相談システム導入作業委託"
matters = ["outsourcing"]
date = 2016-10-25

[[council.opinions]]
text = "市に出入りする者が受託者の社員か確認すること"

[[filings]]
date = 2010-04-01
kind = "start"
summary = "業務開始"
"""

KAIGO = """\
# 生活福祉課 生活保護業務
name = "生活保護業務"
department = "生活福祉課"
purpose = "生活保護法に基づき保護を行うため"
subjects = ["被保護者"]
record_items = ["氏名", "住所", "介護扶助の状況"]

[[connections]]
partner = "東京都国民健康保険団体連合会"
purpose = "介護扶助の費用請求に係る対象者情報の伝送"

[[council]]
kind = "report"
subject = "介護扶助にかかる保険者ネットワークの構築"
matters = ["connection"]
date = 2016-10-25
covered_by = "平成15年諮問（都国保連との回線接続）"

[[filings]]
date = 2005-04-01
kind = "start"
summary = "業務開始"

[[filings]]
date = 2016-09-01
kind = "change"
summary = "都国保連との保険者ネットワークによる伝送を開始"
items_added = ["介護扶助の状況"]
reported = 2016-10-25
"""

NENKIN = """\
# 保険年金課 糖尿病性腎症重症化予防事業
name = "糖尿病性腎症重症化予防事業"
department = "保険年金課"
purpose = "糖尿病性腎症の重症化を予防するため"
subjects = ["国民健康保険被保険者"]
record_items = ["氏名", "健診結果"]

[[outsourcing]]
contractor = "民間事業者"
scope = "参加案内の送付及び保健指導"

[[council]]
kind = "consultation"
number = "平成28年度諮問第3号"
subject = "糖尿病性腎症重症化予防事業委託"
matters = ["outsourcing"]
date = 2016-07-12
answered = 2016-07-12
result = "approved"

[[council.opinions]]
text = "医師会が個人情報を取扱うことを市民にどう説明しているか、先進自治体に確認すること"
answer = "横浜市は当市とほぼ同様の内容で委託しており、市民への説明は特にしていない"
answered = 2016-10-25

[[filings]]
date = 2016-08-01
kind = "start"
summary = "業務開始。重症化予防プログラムを委託で実施"
consultation = "平成28年度諮問第3号"
"""

MEETING_ENTRIES = {
    "kodomo-sodan": SODAN,
    "seikatsu-hogo": KAIGO,
    "nenkin-tonyo": NENKIN,
}
MEETING_DAY = "2016-10-25"


def write_meeting_register(root: Path) -> Path:
    """The meeting's register at ``root`` (files only, no git)."""
    (root / "entries").mkdir(parents=True)
    (root / "registry.toml").write_text(MEETING_CONFIG, encoding="utf-8")
    for entry_id, text in MEETING_ENTRIES.items():
        (root / "entries" / f"{entry_id}.toml").write_text(text, encoding="utf-8")
    return root


def committed_meeting_register(root: Path) -> Path:
    """The meeting's register in its own repository, committed on 2016-10-01 by 総務課."""
    from tests.support.gitrepos import git

    write_meeting_register(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "総務課")
    git(root, "config", "user.email", "soumu@example.jp")
    git(root, "add", "registry.toml", "entries")
    dated = {"GIT_AUTHOR_DATE": "2016-10-01T09:00:00+09:00"}
    dated["GIT_COMMITTER_DATE"] = dated["GIT_AUTHOR_DATE"]
    git(root, "commit", "-q", "-m", "登録簿を作成", env=dated)
    return root

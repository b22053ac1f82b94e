"""The smallest valid register and entry, the project's folder, the CLI runner's type."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

TODOKEDE = Path(sys.executable).with_name("todokede")

MINIMAL_CONFIG = """\
name = "個人情報取扱業務登録簿"
municipality = "東村山市"
review_interval_years = 10
review_warning_months = 6
departments = ["総務課", "課税課", "健康増進課"]

[[agencies]]
name = "東村山市長"
departments = ["総務課", "課税課", "健康増進課"]
disclosure_office = "総務部総務課情報公開係"
disclosure_address = "東京都東村山市本町一丁目2番地の3"
"""

VALID_ENTRY = """\
# 課税課 個人住民税賦課事務
name = "個人住民税賦課事務"
department = "課税課"
purpose = "地方税法に基づき個人住民税を賦課するため"
subjects = ["個人住民税の納税義務者"]
record_items = ["氏名", "住所", "生年月日"]
status = "active"

[[filings]]
date = 2005-04-01
kind = "start"
summary = "業務開始"

[[files]]
name = "個人住民税賦課事務ファイル"
kind = "computer"
record_items = ["氏名"]
persons = 5000
"""

#: Council items and a My Number assessment to append to VALID_ENTRY.
COUNCIL_AND_ASSESSMENT = """
[[council]]
kind = "consultation"
number = "平成28年度諮問第7号"   # 諮問
subject = "子ども相談システム導入作業委託"
matters = ["outsourcing"]
date = 2016-10-25

[[council.opinions]]
text = "医師会の個人情報の取扱いを確認すること"

[my_number_assessment]
level = "basic"   # 基礎項目評価
evaluated = 2015-06-30
persons = 85000
handlers = 120
"""

CliRunner = Callable[..., subprocess.CompletedProcess[str]]

"""A tax process holding 個人番号, with or without its 特定個人情報保護評価, for the assessment tests."""

from __future__ import annotations

TAX = """\
name = "個人住民税賦課事務"
department = "課税課"
purpose = "地方税法に基づき個人住民税を賦課するため"
subjects = ["個人住民税の納税義務者"]
record_items = ["氏名", "住所", "個人番号", "所得の状況"]

[[files]]
name = "個人住民税課税台帳ファイル"
kind = "computer"
record_items = ["氏名", "住所", "個人番号", "所得の状況"]
persons = {persons}
{exemption}
[[files]]
name = "課税資料綴"
kind = "manual"
record_items = ["氏名", "住所", "所得の状況"]
persons = 90000
{assessment}
[[filings]]
date = 2010-04-01
kind = "start"
{later}"""
ASSESSMENT = """
[my_number_assessment]
level = "{level}"
evaluated = 2022-06-30
persons = {persons}
handlers = {handlers}
incident = {incident}
"""


def tax(
    persons: int = 115000,
    exemption: str = "",
    assessment: str = "",
    later: str = "",
) -> str:
    return TAX.format(persons=persons, exemption=exemption, assessment=assessment, later=later)


def assessment(
    level: str = "priority", persons: int = 115000, handlers: int = 300, incident: str = "false"
) -> str:
    return ASSESSMENT.format(level=level, persons=persons, handlers=handlers, incident=incident)

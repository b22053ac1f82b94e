"""The level of 特定個人情報保護評価 the rules require (しきい値判断, 番号法第28条).

From the 対象人数 (本人 in all 特定個人情報ファイル of the process), the 取扱者数
(staff and contractors' staff handling them) and a 重大事故 in the past year, the
threshold table of the PPC's rules and guidelines gives the strongest assessment
required; a 基礎項目評価 is always part of it. ``../shared/reference/appi-file-register.md``
section 4 has the table. Pure data and arithmetic.
"""

from __future__ import annotations

from typing import Final, Literal

Level = Literal["basic", "priority", "full"]
#: Weakest first: a recorded level covers every level before it.
LEVELS: Final[tuple[Level, ...]] = ("basic", "priority", "full")
LEVEL_LABELS: Final[dict[str, str]] = {
    "basic": "基礎項目評価",
    "priority": "基礎項目評価及び重点項目評価",
    "full": "基礎項目評価及び全項目評価",
}
SHORT_LABELS: Final[dict[str, str]] = {
    "basic": "基礎項目評価",
    "priority": "重点項目評価",
    "full": "全項目評価",
}
#: Fewer 本人 than this: no assessment is required.
MIN_PERSONS: Final = 1_000
MANY_HANDLERS: Final = 500


def required_level(persons: int, handlers: int, incident: bool) -> Level | None:
    """The strongest assessment required, or None when none is.

    ``handlers`` of 500 or more, or a 重大事故 in the past year, moves a process
    of 10,000 persons or more one step up (to 重点 from 10,000, to 全項目 from
    100,000); from 300,000 persons 全項目評価 is required in any case.
    """
    if persons < MIN_PERSONS:
        return None
    heavy = handlers >= MANY_HANDLERS or incident
    if persons < 10_000:
        return "basic"
    if persons < 100_000:
        return "priority" if heavy else "basic"
    if persons < 300_000:
        return "full" if heavy else "priority"
    return "full"


def covers(recorded: Level, required: Level | None) -> bool:
    """Whether an assessment at ``recorded`` satisfies ``required``."""
    return required is None or LEVELS.index(recorded) >= LEVELS.index(required)

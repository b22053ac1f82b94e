"""A synthetic register at municipal scale, deterministic for a seed.

``python benchmarks/generate.py OUT [--entries 5000] [--filings 20000] [--seed 1]``
writes ``OUT/registry.toml`` and ``OUT/entries/*.toml`` over 40 departments,
with a git history of one commit per filing dated over 30 years. The whole
history goes through one ``git fast-import`` process (git's plumbing), not a
process per commit or per file, so 20,000 commits take seconds.

``--snapshot`` commits the register as it stands in one commit (as a city that
imports its register would), not one commit per filing: each commit writes the
whole ``entries/`` tree object, so a history of one commit per filing grows with
entries × filings (at 20,000 entries and 80,000 filings, half an hour of git's
time) and the growth table's large sizes use a snapshot.

Unless flawed (below), every entry is valid for ``todokede check``, with no warning: record items
come from the catalog, filings start with a start filing and are in date order,
and the items each filing adds or removes replay back to the entry's first
state. Each entry holds 1–4 個人情報ファイル (``[[files]]``): the first a
電算処理 file, the others mostly マニュアル処理, each with record items drawn
from those the entry holds at every version (so that history stays valid), a
round number of persons (some under 1,000, so left out of the book as 74-2-9) and a few
exempt by a code that holds (74-2-3 in 人事課, 74-2-6 elsewhere).
``registry.toml`` names the city's organs (``[[agencies]]``: every 課 in one,
with the office and address that receive disclosure requests) and the 部 of
its 課 (``[divisions]``).

``--warnings FRACTION`` and ``--errors FRACTION`` flaw that share of the entry
files (disjoint sets, drawn from their own generator so the rest of the register
is the clean one of the same seed, and a register with warnings only has the
same warning files as one with warnings and errors):

- a warning: the entry holds a record item not in the catalog
  (``独自の記録項目N``) from its start, in every version (so filings still
  replay), and in none of its ``[[files]]`` (whose items stay the entry's);
- an error: in the entry's last version (its last commit and the work tree)
  its first file's ``persons`` is negative, which still parses as TOML but
  that ``todokede check`` reports as an error.
"""

from __future__ import annotations

import argparse
import calendar
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

DEPARTMENTS = (
    "総務課", "秘書広報課", "人事課", "情報政策課", "財政課", "契約課", "管財課",
    "課税課", "収納課", "市民課", "市民相談・交流課", "防災安全課", "環境保全課",
    "ごみ減量推進課", "産業振興課", "農業委員会事務局", "都市計画課", "道路管理課",
    "下水道課", "住宅課", "地域福祉推進課", "生活福祉課", "高齢介護課", "障害支援課",
    "保険年金課", "健康増進課", "子ども家庭支援課", "子ども育成課", "子ども保育課",
    "選挙管理委員会事務局", "監査委員事務局", "議会事務局", "会計課", "教育総務課",
    "学務課", "指導室", "社会教育課", "市民スポーツ課", "図書館", "公民館",
)  # fmt: skip
TOPICS = (
    "申請受付", "給付", "賦課", "相談", "認定", "登録", "調査", "検診", "助成",
    "貸付", "許可", "届出受理", "台帳管理", "訪問指導", "講座運営", "利用者管理",
)  # fmt: skip
BASE_ITEMS = ("氏名", "住所", "生年月日", "性別", "電話番号")
EXTRA_ITEMS = (
    "フリガナ", "年齢", "電子メールアドレス", "本籍", "国籍", "個人番号", "宛名番号",
    "世帯番号", "家族構成", "続柄", "婚姻状況", "扶養親族", "住居の状況", "生活の状況",
    "健康状態", "病歴", "障害の状況", "健康診断等の結果", "診療・調剤情報", "要介護状態",
    "学歴", "在学状況", "職業・職歴", "勤務先", "資格・免許", "相談内容", "所得の状況",
    "資産の状況", "納税の状況", "税額", "金融機関口座", "年金の受給状況",
    "生活保護の受給状況", "保険の加入状況", "給付の状況", "被保険者番号", "受給者番号",
    "申請内容", "意見・要望", "利用状況",
)  # fmt: skip
CONTRACTORS = ("株式会社武蔵野情報サービス", "株式会社多摩データ", "東京計算センター株式会社")
#: The organs of the city (行政機関等) and their 課; the 市長 has every other 課.
BOARDS = {
    "合成市教育委員会": (
        "教育総務課", "学務課", "指導室", "社会教育課", "市民スポーツ課", "図書館", "公民館",
    ),
    "合成市選挙管理委員会": ("選挙管理委員会事務局",),
    "合成市監査委員": ("監査委員事務局",),
    "合成市農業委員会": ("農業委員会事務局",),
    "合成市議会": ("議会事務局",),
}  # fmt: skip
MAYOR = "合成市長"
DISCLOSURE_OFFICE = "総務部総務課情報公開係"
DISCLOSURE_ADDRESS = "東京都合成市本町一丁目1番地の1"
#: 部 → 課 (the 課 of the committees' secretariats and the council stand under no 部).
DIVISIONS = {
    "総務部": ("総務課", "秘書広報課", "人事課", "情報政策課"),
    "財務部": ("財政課", "契約課", "管財課", "課税課", "収納課", "会計課"),
    "市民部": ("市民課", "市民相談・交流課", "防災安全課"),
    "環境部": ("環境保全課", "ごみ減量推進課", "産業振興課"),
    "まちづくり部": ("都市計画課", "道路管理課", "下水道課", "住宅課"),
    "健康福祉部": ("地域福祉推進課", "生活福祉課", "高齢介護課", "障害支援課", "保険年金課", "健康増進課"),
    "子ども家庭部": ("子ども家庭支援課", "子ども育成課", "子ども保育課"),
    "教育部": ("教育総務課", "学務課", "指導室", "社会教育課", "市民スポーツ課", "図書館", "公民館"),
}  # fmt: skip
#: A file's name after its process's, and its kind: the first is the system's.
FILE_KINDS = (
    ("ファイル", "computer"), ("申請書綴", "manual"), ("台帳", "manual"), ("通知書控", "computer"),
)  # fmt: skip
#: Round numbers of persons for a city of about 150,000 (below 1,000: left out, 74-2-9).
PERSONS = (
    150, 300, 500, 800, 1200, 2000, 3000, 5000, 8000, 12000, 20000, 35000, 50000, 85000, 120000,
)  # fmt: skip
FIRST_DAY = date(1996, 4, 1)
LAST_DAY = date(2026, 3, 31)
KIND_WORDS = {"start": "開始届", "change": "変更届", "abolish": "廃止届"}
#: What a flawed entry file gets (``Process.flaw``).
WARNING = "warning"
ERROR = "error"
#: The record item, not in the catalog, of an entry with a warning (and its number).
UNCATALOGUED_ITEM = "独自の記録項目{}"


@dataclass
class Filing:
    day: date
    kind: str
    summary: str
    review: bool = False
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class PersonalFile:
    """One ``[[files]]`` of an entry."""

    name: str
    kind: str
    items: list[str]
    persons: int
    exemption: str = ""
    recipients: list[str] = field(default_factory=list)


@dataclass
class Process:
    """One synthetic entry and the states its filings went through."""

    id: str
    name: str
    department: str
    purpose: str
    subjects: list[str]
    items_at: list[list[str]]
    contractor: str | None
    filings: list[Filing]
    files: list[PersonalFile] = field(default_factory=list)
    #: "" for a clean entry, :data:`WARNING` or :data:`ERROR` (see :func:`add_flaws`).
    flaw: str = ""


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _array(values: list[str]) -> str:
    return "[" + ", ".join(_quote(v) for v in values) + "]"


def render(process: Process, upto: int) -> str:
    """The entry file as it stood after filing ``upto`` (0-based)."""
    filings = process.filings[: upto + 1]
    abolished = filings[-1].kind == "abolish"
    lines = [
        f"# {process.department} {process.name}",
        f"name = {_quote(process.name)}",
        f"department = {_quote(process.department)}",
        f"section = {_quote(process.department.removesuffix('課') + '係')}",
        f"purpose = {_quote(process.purpose)}",
        'legal_basis = ["地方自治法", "個人情報の保護に関する法律"]',
        f"subjects = {_array(process.subjects)}",
        f"record_items = {_array(process.items_at[upto])}",
        'sources = ["本人", "関係機関"]',
        'collection_methods = ["申請書", "電子申請"]',
        "computer_processing = true",
        'retention = "5年"',
        f'status = "{"abolished" if abolished else "active"}"',
    ]
    if process.contractor:
        lines += [
            "",
            "[[outsourcing]]",
            f"contractor = {_quote(process.contractor)}",
            'scope = "システムの運用保守"',
            f"since = {process.filings[0].day.isoformat()}",
        ]
    lines += _assessment_lines(process, upto)
    for filing in filings:
        lines += _filing_lines(filing)
    erring = process.flaw == ERROR and upto == len(process.filings) - 1
    for place, file in enumerate(process.files):
        persons = -file.persons if erring and place == 0 else file.persons
        lines += _file_lines(file, process.filings[0].day, persons)
    return "\n".join(lines) + "\n"


def _assessment_lines(process: Process, upto: int) -> list[str]:
    """``[my_number_assessment]`` for a process whose 個人番号 files (staff files aside)
    hold 1,000 or more persons: 全項目評価, which covers any figures, from its start."""
    persons = sum(
        f.persons for f in process.files if "個人番号" in f.items and f.exemption != "74-2-3"
    )
    if persons < 1000 or "個人番号" not in process.items_at[upto]:
        return []
    return [
        "",
        "[my_number_assessment]",
        'level = "full"',
        f"evaluated = {process.filings[0].day.isoformat()}",
        f"persons = {persons}",
        "handlers = 50",
    ]


def _file_lines(file: PersonalFile, since: date, persons: int) -> list[str]:
    lines = [
        "",
        "[[files]]",
        f"name = {_quote(file.name)}",
        f'kind = "{file.kind}"',
        f"record_items = {_array(file.items)}",
        f"persons = {persons}",
    ]
    if file.recipients:
        lines.append(f"recipients = {_array(file.recipients)}")
    if file.exemption:
        lines.append(f'exemption = "{file.exemption}"')
    lines.append(f"since = {since.isoformat()}")
    return lines


def _filing_lines(filing: Filing) -> list[str]:
    lines = [
        "",
        "[[filings]]",
        f"date = {filing.day.isoformat()}",
        f'kind = "{filing.kind}"',
        f"summary = {_quote(filing.summary)}",
    ]
    if filing.review:
        lines.append("review = true")
    if filing.added:
        lines.append(f"items_added = {_array(filing.added)}")
    if filing.removed:
        lines.append(f"items_removed = {_array(filing.removed)}")
    return lines


def _days(rng: random.Random, start: date, count: int) -> list[date]:
    span = (LAST_DAY - start).days
    return sorted(start + timedelta(days=rng.randrange(span + 1)) for _ in range(count))


def make_processes(entries: int, filings: int, seed: int) -> list[Process]:
    """``entries`` processes whose filings add up to ``filings``."""
    if filings < entries:
        raise ValueError("filings must be at least the number of entries")
    rng = random.Random(seed)
    files_rng = random.Random(f"files-{seed}")
    extra = [0] * entries
    for _ in range(filings - entries):
        extra[rng.randrange(entries)] += 1
    processes = []
    for index in range(entries):
        department = DEPARTMENTS[index % len(DEPARTMENTS)]
        topic = TOPICS[rng.randrange(len(TOPICS))]
        start = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days // 2))
        days = [start, *_days(rng, start, extra[index])]
        items = [*BASE_ITEMS, *rng.sample(EXTRA_ITEMS, rng.randrange(2, 8))]
        items_at = [list(items)]
        history = [Filing(start, "start", "業務開始")]
        abolish_last = extra[index] > 0 and rng.random() < 0.05
        for number, day in enumerate(days[1:], start=1):
            if abolish_last and number == len(days) - 1:
                history.append(Filing(day, "abolish", "業務を廃止"))
                items_at.append(list(items))
                continue
            spare = [i for i in EXTRA_ITEMS if i not in items]
            added = [rng.choice(spare)] if spare else []
            removable = [i for i in items if i not in BASE_ITEMS]
            removed = [rng.choice(removable)] if removable and rng.random() < 0.3 else []
            items = [i for i in items if i not in removed] + added
            summary = "記録項目を見直し" if not added else f"記録項目に「{added[0]}」を追加"
            history.append(Filing(day, "change", summary, rng.random() < 0.2, added, removed))
            items_at.append(list(items))
        name = f"{department.removesuffix('課')}{topic}事務（第{index}号）"
        processes.append(
            Process(
                id=f"d{index % len(DEPARTMENTS):02d}-p{index:05d}",
                name=name,
                department=department,
                purpose=f"{department}が所管する{topic}の事務を適正かつ円滑に行うため、"
                "対象者の状況を把握し必要な手続を行う",
                subjects=["市内に住所を有する者", f"{topic}の申請者"][: 1 + index % 2],
                items_at=items_at,
                contractor=CONTRACTORS[index % 3] if index % 4 == 0 else None,
                filings=history,
                files=make_files(files_rng, name, department, items_at),
            )
        )
    return processes


def make_files(
    rng: random.Random, name: str, department: str, items_at: list[list[str]]
) -> list[PersonalFile]:
    """1–4 files of a process, named after it (unique in the register), each holding
    items the process held at every version (so every version of history is valid)."""
    kept = [i for i in items_at[-1] if all(i in items for items in items_at)]
    stem, _, serial = name.partition("（")  # 総務申請受付事務, 第12号）
    stem = stem.removesuffix("事務")
    files = []
    for place in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4))):
        suffix, kind = FILE_KINDS[place]
        persons = rng.choice(PERSONS)
        exemption = ""
        if persons >= 1000 and rng.random() < 0.04:
            exemption = "74-2-3" if department == "人事課" else "74-2-6"
        count = rng.randrange(2, min(len(kept), 6) + 1)
        items = ["氏名", *rng.sample([i for i in kept if i != "氏名"], count - 1)]
        recipients = (
            ["東京都（法令に基づく報告）"] if kind == "computer" and rng.random() < 0.15 else []
        )
        files.append(
            PersonalFile(f"{stem}{suffix}（{serial}", kind, items, persons, exemption, recipients)
        )
    return files


def add_flaws(
    processes: list[Process], warnings: float = 0.0, errors: float = 0.0, seed: int = 1
) -> None:
    """Give ``warnings`` of the processes a warning and ``errors`` of them an error.

    The shares are of the entry files, rounded to whole files, and the two sets are
    disjoint: the processes are shuffled once by a generator of their own (for the
    seed and their number alone), the first ``round(warnings × N)`` of that order
    warn and the next ``round(errors × N)`` err. So the flaws touch nothing else of
    the register, and the warning files do not depend on ``errors``.
    """
    if not (0 <= warnings <= 1 and 0 <= errors <= 1 and warnings + errors <= 1):
        raise ValueError("warnings and errors are shares from 0 to 1, together at most 1")
    order = list(range(len(processes)))
    random.Random(f"flaws-{seed}").shuffle(order)
    warned = round(warnings * len(processes))
    erring = round(errors * len(processes))
    for index in order[:warned]:
        process = processes[index]
        process.flaw = WARNING
        item = UNCATALOGUED_ITEM.format(index)
        process.items_at = [[*items, item] for items in process.items_at]
    for index in order[warned : warned + erring]:
        processes[index].flaw = ERROR


def registry_toml() -> str:
    departments = ",\n".join(f"    {_quote(d)}" for d in DEPARTMENTS)
    boards = {d for names in BOARDS.values() for d in names}
    organs = {MAYOR: tuple(d for d in DEPARTMENTS if d not in boards), **BOARDS}
    agencies = "".join(
        "\n[[agencies]]\n"
        f"name = {_quote(organ)}\n"
        f"departments = {_array(list(names))}\n"
        f"disclosure_office = {_quote(DISCLOSURE_OFFICE)}\n"
        f"disclosure_address = {_quote(DISCLOSURE_ADDRESS)}\n"
        for organ, names in organs.items()
    )
    divisions = "".join(f"{_quote(d)} = {_array(list(n))}\n" for d, n in DIVISIONS.items())
    return (
        'name = "個人情報取扱業務登録簿（合成データ）"\n'
        'municipality = "合成市"\n'
        "review_interval_years = 10\n"
        "review_warning_months = 6\n"
        f"departments = [\n{departments},\n]\n"
        f"{agencies}\n[divisions]\n{divisions}\n[filebook]\nmin_persons = 1000\n"
    )


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def _stream(processes: list[Process]) -> Iterator[bytes]:
    """A ``git fast-import`` stream: the config, then one commit per filing."""
    events = sorted(
        ((f.day, p.department, p.id, n, p) for p in processes for n, f in enumerate(p.filings)),
        key=lambda e: (e[0], e[1], e[2], e[3]),
    )
    first = FIRST_DAY - timedelta(days=1)
    stamp = calendar.timegm(first.timetuple())  # 00:00 UTC is 09:00 +0900
    yield b"commit refs/heads/main\nmark :1\n"
    yield b"committer soumu <soumu@example.lg.jp> %d +0900\n" % stamp
    yield _data("登録簿を作成\n".encode())
    yield b"M 100644 inline registry.toml\n" + _data(registry_toml().encode())
    for mark, (day, department, entry_id, number, process) in enumerate(events, start=2):
        filing = process.filings[number]
        stamp = calendar.timegm(day.timetuple())
        message = (
            f"{KIND_WORDS[filing.kind]}: {department} {process.name} — {filing.summary}\n\n"
            f"Filing-Kind: {filing.kind}\nFiling-Date: {day.isoformat()}\nEntry: {entry_id}\n"
        )
        who = f"{department} 担当者 <{entry_id.split('-')[0]}@example.lg.jp> {stamp} +0900"
        yield f"commit refs/heads/main\nmark :{mark}\nauthor {who}\ncommitter {who}\n".encode()
        yield _data(message.encode())
        yield b"from :%d\n" % (mark - 1)
        path = f"entries/{entry_id}.toml"
        yield f"M 100644 inline {path}\n".encode() + _data(render(process, number).encode())


def write_files(out: Path, processes: list[Process]) -> None:
    """The register's final state on disk, without git."""
    (out / "entries").mkdir(parents=True, exist_ok=True)
    (out / "registry.toml").write_text(registry_toml(), encoding="utf-8")
    for process in processes:
        text = render(process, len(process.filings) - 1)
        (out / "entries" / f"{process.id}.toml").write_text(text, encoding="utf-8")


def write_history(out: Path, processes: list[Process]) -> None:
    """The git history through one fast-import, then the work tree checked out."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    importer = subprocess.Popen(
        ["git", "-C", str(out), "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE
    )
    assert importer.stdin is not None
    for chunk in _stream(processes):
        importer.stdin.write(chunk)
    importer.stdin.write(b"done\n")
    importer.stdin.close()
    if importer.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "-C", str(out), "checkout", "-q", "-f", "main"], check=True)
    subprocess.run(["git", "-C", str(out), "config", "user.name", "ベンチマーク"], check=True)
    subprocess.run(
        ["git", "-C", str(out), "config", "user.email", "bench@example.lg.jp"], check=True
    )


def write_snapshot(out: Path, processes: list[Process]) -> None:
    """The register as it stands, committed in one commit (``--snapshot``)."""
    write_files(out, processes)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    for key, value in (("user.name", "ベンチマーク"), ("user.email", "bench@example.lg.jp")):
        subprocess.run(["git", "-C", str(out), "config", key, value], check=True)
    subprocess.run(["git", "-C", str(out), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(out), "commit", "-q", "-m", "登録簿を移行"], check=True)


def generate(
    out: Path,
    entries: int = 5000,
    filings: int = 20000,
    seed: int = 1,
    git: bool = True,
    warnings: float = 0.0,
    errors: float = 0.0,
    snapshot: bool = False,
) -> list[Process]:
    """Write a synthetic register to ``out`` (with its git history unless ``git`` is False;
    one commit of it as it stands with ``snapshot``), ``warnings`` and ``errors`` of its
    entry files flawed (:func:`add_flaws`)."""
    processes = make_processes(entries, filings, seed)
    add_flaws(processes, warnings, errors, seed)
    if git and snapshot:
        write_snapshot(out, processes)
    elif git:
        write_history(out, processes)
    else:
        write_files(out, processes)
    return processes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--filings", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-git", action="store_true", help="files only, no history")
    parser.add_argument(
        "--snapshot", action="store_true", help="one commit of the register, not one per filing"
    )
    parser.add_argument(
        "--warnings",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="that share of the entry files warns (a record item not in the catalog)",
    )
    parser.add_argument(
        "--errors",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="that share of the entry files errs (a file's persons negative)",
    )
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    if not (0 <= args.warnings <= 1 and 0 <= args.errors <= 1 and args.warnings + args.errors <= 1):
        parser.error("--warnings and --errors are shares from 0 to 1, together at most 1")
    started = time.perf_counter()
    generate(
        args.out,
        args.entries,
        args.filings,
        args.seed,
        git=not args.no_git,
        warnings=args.warnings,
        errors=args.errors,
        snapshot=args.snapshot,
    )
    flawed = (
        f", {args.warnings:g} warning, {args.errors:g} erring"
        if args.warnings or args.errors
        else ""
    )
    print(
        f"{args.entries} entries, {args.filings} filings{flawed} -> {args.out} "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

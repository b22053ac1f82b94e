"""The meeting's papers in Markdown and JSON (HTML: ``meeting.html.j2``).

JSON is the contract's shape (DESIGN.md, "The council"): ``date``,
``consultations``, ``reports``, ``answers`` and ``filings``, the last exactly
``todokede report --format json`` of the period.
"""

from __future__ import annotations

from typing import Any

from todokede.reports.council_meeting import (
    PART_ANSWERS,
    PART_CONSULTATIONS,
    PART_FILINGS,
    PART_REPORTS,
    Consultation,
    Meeting,
    ReportItem,
)
from todokede.reports.render_json import council_json, dumps
from todokede.reports.render_markdown import EMPTY, escape, render_table


def meeting_json(meeting: Meeting) -> dict[str, Any]:
    return {
        "date": meeting.date.isoformat(),
        "consultations": [_consultation_json(c) for c in meeting.consultations],
        "reports": [_report_json(r) for r in meeting.reports],
        "answers": [
            {
                "entry": a.entry,
                "department": a.department,
                "name": a.name,
                "number": a.number,
                "subject": a.subject,
                "opinion": a.opinion,
                "answer": a.answer,
            }
            for a in meeting.answers
        ],
        "filings": council_json(meeting.filings),
    }


def _consultation_json(c: Consultation) -> dict[str, Any]:
    return {
        "entry": c.entry,
        "department": c.department,
        "name": c.name,
        "number": c.number,
        "subject": c.subject,
        "matters": list(c.matters),
        "date": c.day.isoformat(),
        "answered": c.answered.isoformat() if c.answered else None,
        "result": c.result,
        "details": [{"label": label, "text": text} for label, text in c.details],
        "opinions": [
            {
                "text": o.text,
                "answer": o.answer,
                "answered": o.answered.isoformat() if o.answered else None,
            }
            for o in c.opinions
        ],
    }


def _report_json(r: ReportItem) -> dict[str, Any]:
    return {
        "entry": r.entry,
        "department": r.department,
        "name": r.name,
        "subject": r.subject,
        "matters": list(r.matters),
        "date": r.day.isoformat(),
        "covered_by": r.covered_by,
        "details": [{"label": label, "text": text} for label, text in r.details],
        "changes": list(r.changes),
    }


def render_meeting_json(meeting: Meeting) -> str:
    return dumps(meeting_json(meeting))


def _pairs(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"- {escape(label)}: {escape(text)}" for label, text in pairs if text]


def render_meeting_markdown(meeting: Meeting) -> str:
    """The agenda, then the three parts as sections; the filings' report as its own
    document one heading level down."""
    out = [f"# {escape(meeting.title)}", ""]
    out += ["　".join(escape(line) for line in meeting.byline), ""]
    for number, (part, items) in enumerate(meeting.agenda, start=1):
        out.append(f"{number}. {escape(part)}")
        out += [f"   - {escape(item)}" for item in items] or [f"   - {EMPTY}"]
    out.append("")
    out += [f"## {escape(PART_CONSULTATIONS)}", ""]
    if not meeting.consultations:
        out += [EMPTY, ""]
    for c in meeting.consultations:
        out += [f"### {escape(c.heading)}", ""]
        out += _pairs(
            [
                ("担当課", c.department),
                ("業務の名称", c.name),
                ("諮問事項", c.matter_labels),
                *c.details,
                ("答申", c.answer_line),
            ]
        )
        out.append("")
        if c.opinions:
            out += ["#### 委員の意見", ""]
            for o in c.opinions:
                out.append(f"- {escape(o.text)}")
                if o.answer:
                    out.append(f"  - 回答: {escape(o.answer)}")
            out.append("")
    out += [f"## {escape(PART_REPORTS)}", ""]
    if not meeting.reports:
        out += [EMPTY, ""]
    for r in meeting.reports:
        out += [f"### {escape(r.subject)}", ""]
        out += _pairs(
            [
                ("担当課", r.department),
                ("業務の名称", r.name),
                ("報告事項", r.matter_labels),
                *r.details,
                *(("変更の内容", change) for change in r.changes),
                ("諮問済みの根拠", r.covered_by),
            ]
        )
        out.append("")
    out += [f"## {escape(PART_ANSWERS)}", ""]
    if not meeting.answers:
        out += [EMPTY, ""]
    for heading, answers in meeting.answer_groups:
        out += [f"### {escape(heading)}", ""]
        for a in answers:
            out.append(f"- 意見: {escape(a.opinion)}")
            out.append(f"  - 回答: {escape(a.answer)}")
        out.append("")
    out += [f"## {escape(PART_FILINGS)}", ""]
    report = render_table(meeting.filings.table())
    out.append(
        "\n".join("##" + line if line.startswith("# ") else line for line in report.split("\n"))
    )
    return "\n".join(out)

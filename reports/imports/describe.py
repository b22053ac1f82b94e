"""An import plan as the dry-run prints it: columns, entries, problems, check's verdict."""

from __future__ import annotations

from todokede.reports.imports.plan import ImportPlan

#: Fields of an entry the dry-run lists, in the file's order.
_SHOWN = (
    ("purpose", "目的"),
    ("legal_basis", "根拠法令"),
    ("subjects", "対象者の範囲"),
    ("record_items", "記録項目"),
    ("sources", "収集先"),
    ("collection_methods", "収集方法"),
    ("retention", "保存期間"),
)


def _joined(value: object) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def plan_lines(plan: ImportPlan, *, dry_run: bool) -> list[str]:
    """The plan in Japanese, a line each."""
    where = "、".join(f"「{s}」" for s in plan.sheets)
    layout = "表" if plan.layout == "table" else f"単票 {len(plan.sheets)}枚"
    lines = [f"取込元: {plan.path.name} シート{where}（{layout}）"]
    if plan.header is not None:
        top = plan.header.row + 1
        span = f"{top}行" if plan.header.height == 1 else f"{top}〜{top + 1}行"
        lines.append(f"見出し: {span}")
        for column in plan.header.columns:
            lines.append(f"  {column.letter}列 「{column.label}」 → {column.title}")
    if plan.hidden or plan.empty:
        lines.append(f"読み飛ばした行: 非表示 {plan.hidden}行、空行 {plan.empty}行")
    lines.append(f"取り込む業務: {len(plan.entries)}件")
    for imported in plan.entries:
        entry = imported.entry
        rows = "、".join(f"{row + 1}行" for _, row in imported.rows)
        source = rows if plan.layout == "table" else "、".join(f"「{s}」" for s, _ in imported.rows)
        lines.append(
            f"  entries/{imported.entry_id}.toml  {entry.department} {entry.name}（{source}）"
        )
        data = entry.model_dump()
        for key, label in _SHOWN:
            if data.get(key):
                lines.append(f"      {label}: {_joined(data[key])}")
        for contractor in entry.outsourcing:
            lines.append(f"      委託先: {contractor.contractor}")
        for connection in entry.connections:
            lines.append(f"      結合先: {connection.partner}")
        for file in entry.files:
            kind = "電算処理" if file.kind == "computer" else "マニュアル処理"
            lines.append(
                f"      ファイル「{file.name}」（{kind}、本人の数 {file.persons:,}人、"
                f"記録項目 {len(file.record_items)}件）"
            )
        if imported.started is not None:
            lines.append(f"      開始年月日: {imported.started.isoformat()}")
    if plan.skipped:
        lines.append(f"取り込み済みのため飛ばす業務: {len(plan.skipped)}件")
        lines += [f"  {i.entry.department} {i.entry.name}" for i in plan.skipped]
    if plan.new_departments:
        lines.append(f"registry.toml に加える課: {'、'.join(plan.new_departments)}")
    errors = len(plan.errors)
    warnings = len(plan.problems) - errors
    lines.append(f"読み込みの問題: エラー {errors}件、警告 {warnings}件")
    lines += [f"  {p.as_text()}" for p in plan.problems]
    if plan.entries:
        check_errors = len(plan.check_errors)
        lines.append(
            f"check の結果（取り込んだ後の登録簿）: エラー {check_errors}件、"
            f"警告 {len(plan.check) - check_errors}件"
        )
        lines += [f"  {p.as_text()}" for p in plan.check]
    if dry_run:
        lines.append("--dry-run のため何も書き込んでいません")
    elif plan.blocked:
        lines.append("エラーがあるため何も書き込んでいません（直してからもう一度実行してください）")
    return lines

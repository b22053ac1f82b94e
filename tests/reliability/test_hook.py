"""Department permissions enforced by the pre-receive hook on a real bare repository.

Every push here is a real ``git push`` into a bare repository whose hook was
written by ``todokede hook install``; the pusher's identity is the server's
environment variable (REMOTE_USER, GL_USER, GITEA_PUSHER_EMAIL), never the
commit's author. Each refusal is checked in what the pusher reads (commit,
entry, rule) and in the remote, which must not have moved.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support.gitrepos import committed_register, git, head
from tests.support.hook import (
    CONFIG_WITH_ACCESS,
    KAZEI,
    KAZEI_ID,
    KENKO,
    KENKO_ID,
    SECRETARIAT,
    Shared,
    add_item,
    commit_all,
    entry_file,
    make_shared,
    push,
    refused,
    remote_lines,
    write,
)
from tests.support.samples import MINIMAL_CONFIG, CliRunner
from todokede.registry.access.hook import MARKER, closed_to_others, install_hook


def test_first_push_into_an_empty_repository_needs_the_secretariat(
    tmp_path: Path, git_identity: None
) -> None:
    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    install_hook(bare)
    root = committed_register(tmp_path / "pc")
    write(root / "registry.toml", CONFIG_WITH_ACCESS)
    commit_all(root, "権限を設定", author=f"{SECRETARIAT} <soumu@example.jp>")
    git(root, "remote", "add", "origin", str(bare))
    # The table comes from the pushed tip itself: the pusher must be secretariat in it.
    assert refused(push(root, KAZEI)) == [
        "refs/heads/main: 空の共有先への最初の送信は [access] の secretariat の利用者だけが"
        "できます（利用者: kazei-tanaka）"
    ]
    assert git(bare, "for-each-ref").strip() == ""
    accepted = push(root, SECRETARIAT)
    assert accepted.returncode == 0, accepted.stderr
    assert git(bare, "rev-parse", "main").strip() == head(root)


def test_a_department_pushes_its_own_entries_and_is_refused_anothers(shared: Shared) -> None:
    add_item(shared.kazei, KAZEI_ID, "個人番号")
    commit_all(shared.kazei, "課税課の変更")
    own = push(shared.kazei, KAZEI)
    assert own.returncode == 0, own.stderr
    assert shared.tip() == head(shared.kazei)

    add_item(shared.kazei, KENKO_ID, "電話番号")
    sha = commit_all(shared.kazei, "健康増進課の業務を書き換える")
    before = shared.tip()
    assert refused(push(shared.kazei, KAZEI)) == [
        f"コミット {sha[:7]}: entries/{KENKO_ID}.toml（がん検診事務）: 健康増進課の業務を編集する"
        "権限がありません（利用者: kazei-tanaka。健康増進課の業務を編集できるのは registry.toml の"
        " [access] の「健康増進課」と secretariat の利用者です）"
    ]
    assert shared.tip() == before
    # The same commit pushed by the department that owns the entry goes through.
    assert push(shared.kazei, KENKO).returncode == 0
    assert shared.tip() == sha


def test_the_commit_author_is_not_the_identity(shared: Shared) -> None:
    """A department writing the secretariat's name as author gains nothing."""
    config = shared.kazei / "registry.toml"
    config.write_text(
        config.read_text("utf-8").replace('"kenko-suzuki"]', '"kenko-suzuki", "kazei-tanaka"]')
    )
    grant = commit_all(shared.kazei, "権限を追加", author=f"{SECRETARIAT} <Soumu@Example.JP>")
    add_item(shared.kazei, KENKO_ID, "電話番号")
    use = commit_all(
        shared.kazei, "健康増進課の業務を変更", author=f"{SECRETARIAT} <Soumu@Example.JP>"
    )
    lines = refused(push(shared.kazei, KAZEI))
    # Both commits are named: the grant does not apply within its own push.
    assert lines[0].startswith(f"コミット {grant[:7]}: registry.toml: registry.toml を変更する権限")
    assert lines[1].startswith(
        f"コミット {use[:7]}: entries/{KENKO_ID}.toml（がん検診事務）: 健康増進課"
    )
    assert len(lines) == 2
    # An email's local part matches exactly, only its domain without regard to case.
    assert "利用者: SOUMU@example.jp。" in refused(push(shared.kazei, "SOUMU@example.jp"))[0]
    emailed = push(shared.kazei, "soumu@EXAMPLE.jp", var="REMOTE_USER")
    assert emailed.returncode == 0, emailed.stderr


def test_moving_an_entry_to_another_department_needs_both(shared: Shared) -> None:
    path = entry_file(shared.kazei, KAZEI_ID)
    path.write_text(
        path.read_text("utf-8").replace('department = "課税課"', 'department = "健康増進課"')
    )
    sha = commit_all(shared.kazei, "担当課を移す")
    lines = refused(push(shared.kazei, KAZEI))
    assert lines == [
        f"コミット {sha[:7]}: entries/{KAZEI_ID}.toml（個人住民税賦課事務）: 健康増進課の業務を編集する"
        "権限がありません（利用者: kazei-tanaka。健康増進課の業務を編集できるのは registry.toml の"
        " [access] の「健康増進課」と secretariat の利用者です）"
    ]
    kenko = refused(push(shared.kazei, KENKO))
    assert "課税課の業務を編集する権限がありません（利用者: kenko-suzuki" in kenko[0]


def test_other_files_and_unreadable_entries_are_the_secretariats(shared: Shared) -> None:
    write(shared.kazei / "README.md", "メモ\n")
    readme = commit_all(shared.kazei, "メモ")
    lines = refused(push(shared.kazei, KAZEI))
    assert lines == [
        f"コミット {readme[:7]}: README.md: entries/ の業務ファイル以外を変更する権限がありません"
        "（利用者: kazei-tanaka。それ以外のファイルを変更できるのは secretariat の利用者だけです）"
    ]
    git(shared.kazei, "reset", "-q", "--hard", "origin/main")
    entry_file(shared.kazei, KAZEI_ID).write_text('name = "壊れた\n', encoding="utf-8")
    broken = commit_all(shared.kazei, "壊れたファイル")
    lines = refused(push(shared.kazei, KAZEI))
    assert lines == [
        f"コミット {broken[:7]}: entries/{KAZEI_ID}.toml（個人住民税賦課事務）: 業務ファイルを TOML と"
        "して読めないため担当課を確かめられません（利用者: kazei-tanaka。読めない業務ファイルを送れる"
        "のは secretariat の利用者だけです）"
    ]
    git(shared.kazei, "reset", "-q", "--hard", "origin/main")
    link = entry_file(shared.kazei, "kazei-link")
    link.symlink_to(entry_file(shared.kazei, KAZEI_ID))
    commit_all(shared.kazei, "シンボリックリンク")
    assert "読めないため担当課を確かめられません" in refused(push(shared.kazei, KAZEI))[0]
    # The secretariat may send what cannot be read: a broken file is for `check` to report.
    assert push(shared.kazei, SECRETARIAT).returncode == 0


def test_forced_pushes_and_deletions_need_the_secretariat(shared: Shared) -> None:
    add_item(shared.soumu, KAZEI_ID, "個人番号")
    commit_all(shared.soumu, "総務課が届け出た変更")
    assert push(shared.soumu, SECRETARIAT).returncode == 0
    kept = shared.tip()
    # The department, behind, rewrites main: its own commit is allowed, dropping another's is not.
    add_item(shared.kazei, KAZEI_ID, "電話番号")
    commit_all(shared.kazei, "課税課の変更")
    lines = refused(push(shared.kazei, KAZEI, "--force", "origin", "HEAD:refs/heads/main"))
    assert lines == [
        "refs/heads/main: 共有先の履歴を書き換える送信（強制プッシュ）は secretariat の利用者だけが"
        "できます（利用者: kazei-tanaka）。todokede sync で取り込んでから送ってください"
    ]
    deleted = refused(push(shared.kazei, KAZEI, "origin", ":refs/heads/main"))
    assert deleted == [
        "refs/heads/main の削除は [access] の secretariat の利用者だけができます（利用者: kazei-tanaka）"
    ]
    assert shared.tip() == kept
    assert push(shared.soumu, SECRETARIAT, "origin", "HEAD:refs/heads/archive").returncode == 0
    assert push(shared.soumu, SECRETARIAT, "origin", ":refs/heads/archive").returncode == 0


def test_merges_are_judged_on_what_the_merge_itself_decided(shared: Shared, tmp_path: Path) -> None:
    kenko_pc = tmp_path / "kenko-pc"
    git(tmp_path, "clone", "-q", str(shared.bare), str(kenko_pc))
    add_item(kenko_pc, KENKO_ID, "電話番号")
    commit_all(kenko_pc, "健康増進課の変更")
    assert push(kenko_pc, KENKO).returncode == 0
    add_item(shared.kazei, KAZEI_ID, "個人番号")
    commit_all(shared.kazei, "課税課の変更")
    git(shared.kazei, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    assert len(git(shared.kazei, "rev-list", "--parents", "-n1", "HEAD").split()) == 3
    merged = push(shared.kazei, KAZEI)  # the other department's commit came from the server
    assert merged.returncode == 0, merged.stderr
    # A merge whose resolution rewrites the other department's entry is refused.
    git(kenko_pc, "pull", "-q", "--rebase", "origin", "main")
    add_item(kenko_pc, KENKO_ID, "メールアドレス")
    commit_all(kenko_pc, "健康増進課の変更2")
    assert push(kenko_pc, KENKO).returncode == 0
    add_item(shared.kazei, KAZEI_ID, "電話番号")
    commit_all(shared.kazei, "課税課の変更2")
    git(shared.kazei, "fetch", "-q", "origin")
    git(shared.kazei, "merge", "-q", "--no-commit", "origin/main")
    add_item(shared.kazei, KENKO_ID, "勤務先")
    evil = commit_all(shared.kazei, "マージで他課の業務も変える")
    lines = refused(push(shared.kazei, KAZEI))
    # Judged against each parent: the line names the parent the change was read against.
    assert lines[0].startswith(f"コミット {evil[:7]}（親 ")
    assert f"との差分）: entries/{KENKO_ID}.toml（がん検診事務）: 健康増進課" in lines[0]


def test_without_the_identity_variable_nothing_is_accepted(shared: Shared) -> None:
    add_item(shared.kazei, KAZEI_ID, "個人番号")
    commit_all(shared.kazei, "課税課の変更")
    for user in (None, ""):
        assert refused(push(shared.kazei, user)) == [
            "送信者を特定できません（サーバーの環境変数 REMOTE_USER がありません）。"
            "サーバーの認証の設定を確かめてください"
        ]


def test_a_push_that_would_lock_everyone_out_is_refused(shared: Shared) -> None:
    # A tag on a commit from before the table moves no branch: nobody is locked out.
    tagged = push(shared.soumu, SECRETARIAT, "origin", "HEAD~1:refs/tags/before-access")
    assert tagged.returncode == 0, tagged.stderr
    write(shared.soumu / "registry.toml", MINIMAL_CONFIG)
    commit_all(shared.soumu, "権限の表を消す")
    assert refused(push(shared.soumu, SECRETARIAT)) == [
        "refs/heads/main: 送信後の registry.toml に [access] の secretariat がありません。"
        "誰も送信できなくなるため受け付けません（利用者: soumu-yamada）"
    ]
    write(shared.soumu / "registry.toml", CONFIG_WITH_ACCESS + "oops = [\n")
    commit_all(shared.soumu, "壊れた設定")
    assert refused(push(shared.soumu, SECRETARIAT)) == [
        "refs/heads/main: 送信後の registry.toml を TOML として読めません。誰も送信できなくなるため"
        "受け付けません（利用者: soumu-yamada）"
    ]


def test_unconfigured_permissions_refuse_unless_installed_to_allow(
    tmp_path: Path, git_identity: None
) -> None:
    with pytest.raises(AssertionError):  # the secretariat's first push: no table, refused
        make_shared(tmp_path / "strict", config=MINIMAL_CONFIG)
    shared = make_shared(tmp_path / "open", config=MINIMAL_CONFIG, allow_unconfigured=True)
    add_item(shared.kazei, KENKO_ID, "電話番号")
    commit_all(shared.kazei, "権限の設定がないあいだの変更")
    accepted = push(shared.kazei, KAZEI)
    assert accepted.returncode == 0
    assert remote_lines(accepted) == [
        "todokede: 警告: registry.toml に [access] がないため、権限を確かめずに受け付けました"
        "（refs/heads/main）"
    ]
    install_hook(shared.bare)  # reinstalled without the option: closed again
    add_item(shared.kazei, KENKO_ID, "勤務先")
    commit_all(shared.kazei, "もう一つ")
    assert "権限が設定されていません" in refused(push(shared.kazei, KAZEI))[0]


def test_hook_install_through_the_cli(
    tmp_path: Path, todokede: CliRunner, git_identity: None
) -> None:
    bare = tmp_path / "shared.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    clone = committed_register(tmp_path / "pc")
    for path in (clone, tmp_path / "missing"):
        result = todokede("hook", "install", str(path))
        assert result.returncode == 2
        assert result.stderr.startswith("エラー: ") and len(result.stderr.splitlines()) == 1
    bad_var = todokede("hook", "install", str(bare), "--identity-var", "REMOTE USER")
    assert bad_var.returncode == 2 and "環境変数の名前ではありません" in bad_var.stderr
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nexit 0\n")
    foreign = todokede("hook", "install", str(bare))
    assert foreign.returncode == 1
    assert "既に別の pre-receive フックがあります" in foreign.stderr
    assert hook.read_text() == "#!/bin/sh\nexit 0\n"
    forced = todokede("hook", "install", str(bare), "--force", "--identity-var", "GL_USER")
    assert forced.returncode == 0, forced.stderr
    assert "置き換えました" in forced.stdout and "共有先はまだ空です" in forced.stdout
    assert MARKER in hook.read_text() and hook.stat().st_mode & 0o111
    again = todokede("hook", "install", str(bare), "--identity-var", "GL_USER")
    assert again.returncode == 0, again.stderr  # its own hook is replaced without --force
    # GL_USER is the identity now: REMOTE_USER is not looked at.
    write(clone / "registry.toml", CONFIG_WITH_ACCESS)
    commit_all(clone, "権限を設定")
    git(clone, "remote", "add", "origin", str(bare))
    assert "環境変数 GL_USER がありません" in refused(push(clone, SECRETARIAT))[0]
    assert push(clone, SECRETARIAT, var="GL_USER").returncode == 0


def test_sync_shows_the_hooks_refusal_and_keeps_the_filing(
    shared: Shared, todokede: CliRunner
) -> None:
    add_item(shared.kazei, KENKO_ID, "電話番号")
    filed = todokede("file", KENKO_ID, "--kind", "change", "--date", "2020-04-01", cwd=shared.kazei)
    assert filed.returncode == 0, filed.stderr
    local = head(shared.kazei)
    result = todokede("sync", cwd=shared.kazei, env={"REMOTE_USER": KAZEI})
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(
        "エラー: リモート「origin」が受け付けませんでした: todokede: 登録簿の権限により送信を"
        f"受け付けませんでした ／ コミット {local[:7]}: entries/{KENKO_ID}.toml（がん検診事務）: "
        "健康増進課の業務を編集する権限がありません（利用者: kazei-tanaka。"
    )
    assert head(shared.kazei) == local  # the filing stays, to be sent by the right department
    assert shared.tip() != local
    sent = todokede("sync", cwd=shared.kazei, env={"REMOTE_USER": KENKO})
    assert sent.returncode == 0, sent.stderr
    assert shared.tip() == local


def test_a_registry_toml_with_a_bom_is_read(shared: Shared) -> None:
    """Windows Notepad's byte order mark does not lock the register."""
    config = shared.soumu / "registry.toml"
    config.write_text("\ufeff" + config.read_text("utf-8"), encoding="utf-8")
    commit_all(shared.soumu, "メモ帳で保存した設定")
    assert push(shared.soumu, SECRETARIAT).returncode == 0
    git(shared.kazei, "pull", "-q", "--ff-only", "origin", "main")
    add_item(shared.kazei, KAZEI_ID, "個人番号")
    commit_all(shared.kazei, "課税課の変更")
    assert push(shared.kazei, KAZEI).returncode == 0
    entry = entry_file(shared.kazei, KENKO_ID)
    entry.write_text("\ufeff" + entry.read_text("utf-8"), encoding="utf-8")
    commit_all(shared.kazei, "BOM 付きの他課の業務")
    assert "健康増進課の業務を編集する権限がありません" in refused(push(shared.kazei, KAZEI))[0]


def test_hook_install_says_when_the_web_server_cannot_run_its_python() -> None:
    # Under /tmp, not tmp_path: pytest's own folders are closed to others (mode 700).
    top = Path(tempfile.mkdtemp(prefix="todokede-python-", dir="/tmp"))
    try:
        closed = top / "private"
        (closed / "bin").mkdir(parents=True)
        python = closed / "bin" / "python"
        python.write_text("#!/bin/sh\n")
        for path in (top, closed, closed / "bin", python):
            path.chmod(0o755)
        assert closed_to_others(python) is None
        closed.chmod(0o700)
        assert closed_to_others(python) == closed
        link = top / "python"
        link.symlink_to(python)  # a venv's python links to the real one
        assert closed_to_others(link) == closed
    finally:
        shutil.rmtree(top)

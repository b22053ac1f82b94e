"""A real Apache httpd serving git's smart HTTP (``git http-backend``), and its clerks.

:class:`GitHttpServer` runs Debian's ``apache2`` on 127.0.0.1 with a config of
its own: ServerRoot, PidFile, logs, the CGI socket and the repositories live in
one folder made for it, and the part that serves git is the block of
``docs/server.md`` marked ``<!-- tested: apache-git-http -->``, read from the
document with only its paths replaced, so the document says what was tested.
Clerks authenticate with basic auth against an ``htpasswd`` file made by
``htpasswd`` itself; Apache hands the name to ``git http-backend`` as
``REMOTE_USER``, which the todokede pre-receive hook reads.

Apache never runs as root here. Run by an ordinary user, the server runs as that
user. Run by root (CI in a container), it runs as ``www-data`` (the user
Debian's Apache runs as) in a folder owned by that user, made with
:func:`tempfile.mkdtemp` outside pytest's ``tmp_path`` (``/tmp/pytest-of-root``
is mode 700, which ``www-data`` cannot traverse). The hook runs as the server's
user too, so it needs a Python that user can run: the test's own interpreter
when it can; otherwise (an interpreter under ``/root``) the server gets its own
todokede installation, a venv of the system Python of the same version that
imports this checkout and its packages, as a server would have its own install.

A :class:`Clerk` is one clerk's machine: a HOME of its own with a git identity
and git's ``store`` credential helper holding the clerk's password, as a clerk
who typed it once at the first clone has it. :func:`run_in_terminal` runs a
command with a terminal (a pty as controlling terminal), so that a git asking
for a password is seen instead of failing for want of a terminal.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import pty
import pwd
import select
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from tests.support.samples import PROJECT_ROOT, TODOKEDE

#: Where Debian's apache2-bin keeps the modules, and the binary outside PATH for users.
MODULES: Final = Path("/usr/lib/apache2/modules")
SEARCH_PATH: Final = os.pathsep.join(
    [os.environ.get("PATH", ""), "/usr/local/sbin", "/usr/sbin", "/sbin"]
)
DOCS: Final = PROJECT_ROOT / "docs" / "server.md"
CONFIG_MARKER: Final = "<!-- tested: apache-git-http -->"
#: The paths of the documented block, replaced by the test server's own.
DOC_PROJECT_ROOT: Final = "/srv/git"
DOC_HTPASSWD: Final = "/etc/apache2/todokede.htpasswd"
DOC_BACKEND_DIR: Final = "/usr/lib/git-core/"
#: The user Debian's Apache runs as; the server's user when the tests run as root.
WEB_USER: Final = "www-data"
#: The modules the server loads (Debian enables the same with a2enmod).
LOADED: Final = (
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authn_core_module", "mod_authn_core.so"),
    ("authn_file_module", "mod_authn_file.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("authz_user_module", "mod_authz_user.so"),
    ("auth_basic_module", "mod_auth_basic.so"),
    ("alias_module", "mod_alias.so"),
    ("env_module", "mod_env.so"),
    ("cgid_module", "mod_cgid.so"),
)
START_TIMEOUT: Final = 20.0
STOP_TIMEOUT: Final = 10.0
COMMAND_TIMEOUT: Final = 60.0
#: What git writes on the terminal when it asks for credentials.
PROMPTS: Final = ("Username for ", "Password for ")
#: Environment variables a clerk's commands never inherit from the test's.
NOT_INHERITED: Final = (
    "GIT_ASKPASS",
    "SSH_ASKPASS",
    "GIT_TERMINAL_PROMPT",
    "GIT_CONFIG_GLOBAL",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "REMOTE_USER",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
)


class ServerUnavailable(RuntimeError):
    """The server could not be set up or started here (the reason says why)."""


@dataclass(frozen=True)
class Account:
    """A clerk's login on the server (an htpasswd line)."""

    name: str
    password: str


def apache_binary() -> Path | None:
    found = shutil.which("apache2", path=SEARCH_PATH)
    return Path(found) if found else None


def missing_tools() -> list[str]:
    """What this machine lacks to run the server (empty when nothing is missing)."""
    missing = []
    if apache_binary() is None:
        missing.append("apache2")
    if shutil.which("htpasswd", path=SEARCH_PATH) is None:
        missing.append("htpasswd (apache2-utils)")
    missing += [f"{MODULES / name}" for _, name in LOADED if not (MODULES / name).is_file()]
    if shutil.which("setsid") is None:
        missing.append("setsid (util-linux)")
    if not (git_exec_path() / "git-http-backend").is_file():
        missing.append("git-http-backend")
    return missing


def git_exec_path() -> Path:
    out = subprocess.run(
        ["git", "--exec-path"], capture_output=True, text=True, check=True, timeout=30
    )
    return Path(out.stdout.strip())


def server_path() -> str:
    """The PATH Apache (and so the CGI and the hook) gets: where git is, then the
    system's folders, as systemd gives a service; nothing of the test's own PATH."""
    found = shutil.which("git")
    git_dir = [str(Path(found).parent)] if found else []
    system = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
    return os.pathsep.join(dict.fromkeys([*git_dir, *system]))


def documented_block(docs: Path = DOCS) -> str:
    """The Apache block of ``docs/server.md`` that the server is run with."""
    text = docs.read_text(encoding="utf-8")
    _, marker, rest = text.partition(CONFIG_MARKER)
    if not marker or "```apache\n" not in rest:
        raise ServerUnavailable(f"{docs}: no ```apache block after {CONFIG_MARKER}")
    block = rest.split("```apache\n", 1)[1].split("\n```", 1)[0]
    for path in (DOC_PROJECT_ROOT, DOC_HTPASSWD, DOC_BACKEND_DIR):
        if path not in block:
            raise ServerUnavailable(f"{docs}: the tested block no longer names {path}")
    return block + "\n"


@dataclass(frozen=True)
class RunAs:
    """The user the server (and so git http-backend and the hook) runs as."""

    name: str
    uid: int
    gid: int

    @property
    def switches(self) -> bool:
        """Whether the server runs as someone other than this process."""
        return self.uid != os.geteuid()

    @classmethod
    def for_this_process(cls) -> RunAs:
        if os.geteuid() != 0:
            me = pwd.getpwuid(os.geteuid())
            return cls(me.pw_name, me.pw_uid, me.pw_gid)
        try:
            web = pwd.getpwnam(WEB_USER)
        except KeyError:
            raise ServerUnavailable(f"run as root, but there is no user {WEB_USER}") from None
        return cls(web.pw_name, web.pw_uid, web.pw_gid)

    def run(
        self, args: Sequence[str], cwd: Path, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a command as this user (no shell, no PAM); never raises on its exit code."""
        return subprocess.run(
            list(args),
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=COMMAND_TIMEOUT,
            user=self.uid if self.switches else None,
            group=self.gid if self.switches else None,
            extra_groups=[] if self.switches else None,
        )

    def own(self, path: Path) -> None:
        """Give ``path`` and everything under it to this user (no link is followed)."""
        if not self.switches:
            return
        os.chown(path, self.uid, self.gid, follow_symlinks=False)
        for folder, dirs, files in os.walk(path):
            for name in (*dirs, *files):
                os.chown(Path(folder) / name, self.uid, self.gid, follow_symlinks=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class GitHttpServer:
    """Apache httpd with git http-backend behind basic auth, in a folder of its own.

    Use :func:`serving` (which always stops it); :meth:`create_repository` makes
    a shared bare repository with the todokede hook, as ``docs/server.md`` says.
    """

    def __init__(self, accounts: Sequence[Account], keep_logs: Path | None = None) -> None:
        apache = apache_binary()
        missing = missing_tools()
        if apache is None or missing:
            raise ServerUnavailable(f"missing: {', '.join(missing) or 'apache2'}")
        self.apache = apache
        self.accounts = {account.name: account for account in accounts}
        self.keep_logs = keep_logs
        self.runas = RunAs.for_this_process()
        self.root = Path(tempfile.mkdtemp(prefix="todokede-httpd-"))
        self.repos = self.root / "repos"
        self.logs = self.root / "logs"
        self.conf = self.root / "conf"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._hook_todokede: Path | None = None
        for folder in (self.repos, self.logs, self.root / "run", self.root / "htdocs", self.conf):
            folder.mkdir(mode=0o755)
        self.htpasswd = self.conf / "todokede.htpasswd"
        self._write_htpasswd()
        self.runas.own(self.root)
        # What the server writes is the server user's; its config and htpasswd are root's
        # (readable by the server's group only), as in docs/server.md.
        self._give_config_to_root()

    # -- setting up --------------------------------------------------------------------

    def _write_htpasswd(self) -> None:
        """The password file, made by htpasswd (bcrypt), one line per account."""
        for index, account in enumerate(self.accounts.values()):
            flags = "-cbB" if index == 0 else "-bB"
            subprocess.run(
                ["htpasswd", flags, str(self.htpasswd), account.name, account.password],
                capture_output=True,
                check=True,
                timeout=COMMAND_TIMEOUT,
                env={**os.environ, "PATH": SEARCH_PATH},
            )

    def _give_config_to_root(self) -> None:
        if not self.runas.switches:
            return
        for path in (self.conf, self.htpasswd):
            os.chown(path, 0, self.runas.gid)
        self.conf.chmod(0o750)
        self.htpasswd.chmod(0o640)

    def hook_todokede(self) -> Path:
        """The ``todokede`` whose Python the server's user runs the hook with.

        This checkout's when the server's user can run it; else a venv of the
        system Python of the same version, importing this checkout and the
        packages of the test's environment (a server's own installation).
        """
        if self._hook_todokede is None:
            self._hook_todokede = self._find_hook_todokede()
        return self._hook_todokede

    def _find_hook_todokede(self) -> Path:
        if not self.runas.switches or self._runs_hook(Path(sys.executable)):
            return TODOKEDE
        venv = self.root / "todokede"
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        system = shutil.which(version, path="/usr/bin:/usr/local/bin")
        if system is None:
            raise ServerUnavailable(
                f"{WEB_USER} cannot run {sys.executable}, and there is no system {version}"
            )
        subprocess.run(
            [system, "-m", "venv", "--without-pip", str(venv)],
            capture_output=True,
            check=True,
            timeout=COMMAND_TIMEOUT,
        )
        site = venv / "lib" / version / "site-packages"
        ours = dict.fromkeys(
            [str(PROJECT_ROOT), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
        )
        (site / "todokede-checkout.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
        command = venv / "bin" / "todokede"
        command.write_text(
            f"#!{venv / 'bin' / 'python'} -I\n"
            "import sys\nfrom todokede.tui.cli import main\nsys.exit(main())\n",
            encoding="utf-8",
        )
        command.chmod(0o755)
        if not self._runs_hook(venv / "bin" / "python"):
            raise ServerUnavailable(
                f"{WEB_USER} cannot import todokede.registry.access.hook with {venv}"
            )
        return command

    def _runs_hook(self, python: Path) -> bool:
        try:
            probe = self.runas.run(
                [str(python), "-I", "-c", "import todokede.registry.access.hook"], self.root
            )
        except OSError:  # the interpreter cannot even be started as that user
            return False
        return probe.returncode == 0

    def _config(self, block: str) -> str:
        loads = "".join(f"LoadModule {name} {MODULES / so}\n" for name, so in LOADED)
        block = (
            block.replace(DOC_PROJECT_ROOT, str(self.repos))
            .replace(DOC_HTPASSWD, str(self.htpasswd))
            .replace(DOC_BACKEND_DIR, f"{git_exec_path()}/")
        )
        run = self.root / "run"
        return (
            f'ServerRoot "{self.root}"\n'
            "ServerName 127.0.0.1\n"
            f"Listen 127.0.0.1:{self.port}\n"
            f'PidFile "{run}/httpd.pid"\n'
            f'DefaultRuntimeDir "{run}"\n'
            f"Mutex file:{run} default\n"
            f'ScriptSock "{run}/cgid.sock"\n'
            f'ErrorLog "{self.logs}/error.log"\n'
            "LogLevel warn\n"
            'LogFormat "%u %m %U%q %>s" git\n'
            f'CustomLog "{self.logs}/access.log" git\n'
            "Timeout 60\n"
            f"{loads}"
            # As Debian's apache2.conf: nothing of the disk is served but the document
            # root (empty here; mod_cgid looks PATH_INFO up there for PATH_TRANSLATED).
            "<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>\n"
            f'DocumentRoot "{self.root / "htdocs"}"\n'
            f'<Directory "{self.root / "htdocs"}">\n    Require all granted\n</Directory>\n'
            f"{block}"
        )

    # -- running -----------------------------------------------------------------------

    def start(self) -> None:
        """Start Apache in the foreground (as the server's user); wait until it answers."""
        block = documented_block()
        output = self.logs / "startup.log"
        for _ in range(3):  # another process may take the free port before Apache binds it
            self.port = free_port()
            config = self.conf / "httpd.conf"
            config.write_text(self._config(block), encoding="utf-8")
            with output.open("ab") as log:
                self.process = subprocess.Popen(
                    [str(self.apache), "-d", str(self.root), "-f", str(config), "-DFOREGROUND"],
                    cwd=self.root,
                    env={"PATH": server_path(), "LANG": "C.UTF-8"},
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, stopped as one
                    user=self.runas.uid if self.runas.switches else None,
                    group=self.runas.gid if self.runas.switches else None,
                    extra_groups=[] if self.runas.switches else None,
                )
            if self._answers():
                return
            self.stop()
            said = output.read_text("utf-8", "replace") + self.error_log()
            if "Address already in use" not in said:
                raise ServerUnavailable(f"apache2 did not start:\n{said}")
        raise ServerUnavailable("apache2 found no free port in three tries")

    def _answers(self) -> bool:
        """Poll until the server asks for a password at /git/ (401), or it exits."""
        deadline = time.monotonic() + START_TIMEOUT
        assert self.process is not None
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                try:
                    connection.request("GET", "/git/")
                    if connection.getresponse().status == 401:
                        return True
                finally:
                    connection.close()
            except OSError:
                pass
            try:
                self.process.wait(timeout=0.05)  # the poll's pause, and exit detection
                return False
            except subprocess.TimeoutExpired:
                continue
        return False

    def stop(self) -> None:
        """Stop Apache (SIGTERM to the foreground httpd stops its children), then make
        sure nothing of its process group is left."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=STOP_TIMEOUT)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)

    def close(self) -> None:
        """Stop, keep the logs where asked, remove the server's folder."""
        try:
            self.stop()
        finally:
            if self.keep_logs is not None:
                shutil.copytree(self.logs, self.keep_logs, dirs_exist_ok=True)
            shutil.rmtree(self.root, ignore_errors=True)

    # -- repositories and what the server saw ------------------------------------------

    def url(self, repository: str, user: str | None = None, password: str | None = None) -> str:
        login = user or ""
        if user and password is not None:
            login += f":{password}"
        return f"http://{login + '@' if login else ''}127.0.0.1:{self.port}/git/{repository}.git"

    def bare(self, repository: str) -> Path:
        return self.repos / f"{repository}.git"

    def create_repository(self, repository: str) -> Path:
        """An empty shared repository, made as docs/server.md says: ``git init --bare``,
        ``todokede hook install --identity-var REMOTE_USER``, then given to the server's
        user (``http.receivepack`` left unset: pushes only from an authenticated user)."""
        bare = self.bare(repository)
        run = [
            ["git", "init", "-q", "--bare", "-b", "main", str(bare)],
            [str(self.hook_todokede()), "hook", "install", str(bare), "--identity-var",
             "REMOTE_USER"],
        ]  # fmt: skip
        for args in run:
            result = subprocess.run(
                args, capture_output=True, text=True, check=False, timeout=COMMAND_TIMEOUT
            )
            if result.returncode != 0:
                raise ServerUnavailable(f"{' '.join(args)}: {result.stderr}")
        self.runas.own(bare)
        return bare

    def git(self, repository: str, *args: str) -> str:
        """Read the server's repository as this process (``safe.directory``: it belongs
        to the server's user); stdout, raising on failure."""
        bare = self.bare(repository)
        return subprocess.run(
            ["git", "-c", f"safe.directory={bare}", "-C", str(bare), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=COMMAND_TIMEOUT,
        ).stdout

    def tip(self, repository: str, branch: str = "main") -> str:
        return self.git(repository, "rev-parse", f"refs/heads/{branch}").strip()

    def access_log(self) -> list[str]:
        """``user method path status`` per request (``-`` for no user)."""
        path = self.logs / "access.log"
        return path.read_text("utf-8", "replace").splitlines() if path.exists() else []

    def error_log(self) -> str:
        path = self.logs / "error.log"
        return path.read_text("utf-8", "replace") if path.exists() else ""


@contextlib.contextmanager
def serving(accounts: Sequence[Account], keep_logs: Path | None = None) -> Iterator[GitHttpServer]:
    """A started server; stopped and removed when the block ends, failing or not."""
    server = GitHttpServer(accounts, keep_logs)
    try:
        server.start()
        yield server
    finally:
        server.close()


# -- clerks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clerk:
    """One clerk's machine: its own HOME, git identity and stored password."""

    account: Account
    home: Path
    server: GitHttpServer

    @classmethod
    def at(cls, server: GitHttpServer, account: Account, home: Path) -> Clerk:
        """Set up the machine: identity, the ``store`` helper, the password stored."""
        home.mkdir(parents=True)
        clerk = cls(account, home, server)
        for key, value in (
            ("user.name", account.name),
            ("user.email", f"{account.name}@city.example.jp"),
            ("credential.helper", "store"),
        ):
            clerk.git("config", "--global", key, value)
        clerk.store_password(account.password)
        return clerk

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            GIT_CONFIG_NOSYSTEM="1",
            NO_PROXY="127.0.0.1,localhost",
            no_proxy="127.0.0.1,localhost",
        )
        return env

    def _credential(self, action: str, password: str | None = None) -> None:
        fields = f"protocol=http\nhost=127.0.0.1:{self.server.port}\nusername={self.account.name}\n"
        if password is not None:
            fields += f"password={password}\n"
        subprocess.run(
            ["git", "credential", action],
            input=fields + "\n",
            text=True,
            capture_output=True,
            check=True,
            env=self.env(),
            timeout=COMMAND_TIMEOUT,
        )

    def store_password(self, password: str) -> None:
        """What git's store helper keeps after the clerk typed ``password`` once."""
        self._credential("reject")
        self._credential("approve", password)

    def forget_password(self) -> None:
        self._credential("reject")

    def url(self, repository: str) -> str:
        """The remote a clerk configures: the name in the URL, the password not."""
        return self.server.url(repository, self.account.name)

    def git(
        self, *args: str, cwd: Path | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["git", *args],
            cwd=cwd or self.home,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=COMMAND_TIMEOUT,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} as {self.account.name}: {result.stderr}")
        return result

    def clone(self, repository: str, dest: Path) -> Path:
        self.git("clone", "-q", self.url(repository), str(dest))
        return dest

    def todokede(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        """The installed ``todokede`` on this clerk's machine; never raises on exit codes."""
        return subprocess.run(
            [str(TODOKEDE), *args],
            cwd=cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=COMMAND_TIMEOUT * 2,
        )

    def start(self, *args: str, cwd: Path) -> subprocess.Popen[str]:
        """Start a command on this clerk's machine (output piped, no stdin)."""
        return subprocess.Popen(
            list(args),
            cwd=cwd,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


# -- a terminal ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TerminalRun:
    """A command run with a terminal: its exit, its output, what it wrote on the terminal."""

    returncode: int | None
    stdout: str
    stderr: str
    terminal: str
    prompted: bool
    timed_out: bool
    seconds: float


def _read_all(stream: IO[bytes]) -> str:
    stream.seek(0)
    return stream.read().decode("utf-8", "replace")


def run_in_terminal(
    args: Sequence[str], cwd: Path, env: dict[str, str], timeout: float
) -> TerminalRun:
    """Run ``args`` in a new session whose controlling terminal is a pty, as a clerk at
    a terminal would (git prompts on /dev/tty, not on stdin).

    Stopped (its whole session) as soon as the terminal shows git asking for a
    username or password (nobody would answer), or after ``timeout`` seconds.
    """
    master, slave = pty.openpty()
    began = time.monotonic()
    shown = b""
    prompted = timed_out = False
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            # setsid --ctty: a new session, with the pty on stdin as its terminal.
            process = subprocess.Popen(
                ["setsid", "--ctty", "--wait", *args],
                cwd=cwd,
                env=env,
                stdin=slave,
                stdout=out,
                stderr=err,
            )
        finally:
            os.close(slave)
        try:
            while process.poll() is None:
                if time.monotonic() - began > timeout:
                    timed_out = True
                    break
                ready, _, _ = select.select([master], [], [], 0.05)
                if ready:
                    # EIO: every holder of the terminal has closed it.
                    with contextlib.suppress(OSError):
                        shown += os.read(master, 4096)
                if any(p.encode() in shown for p in PROMPTS):
                    prompted = True
                    break
        finally:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # its session's group: git too
            process.wait(timeout=STOP_TIMEOUT)
            with contextlib.suppress(OSError):
                while select.select([master], [], [], 0)[0] and (chunk := os.read(master, 4096)):
                    shown += chunk
            os.close(master)
        return TerminalRun(
            None if prompted or timed_out else process.returncode,
            _read_all(out),
            _read_all(err),
            shown.decode("utf-8", "replace"),
            prompted,
            timed_out,
            time.monotonic() - began,
        )

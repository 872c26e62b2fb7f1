"""A real Dovecot IMAP server (Debian's dovecot-imapd) on a free loopback port, for the inbox tests
and the inbox benchmark.

    with Dovecot() as server:                       # its own config, users and mail in a temp folder
        server.url -> "imap://127.0.0.1:40123/INBOX"; server.user, server.password
        server.append("INBOX", raw_bytes, flags=[b"\\\\Seen"])
        server.stop(); server.start()               # same port and mail: the server "went away"

Plaintext log-in is allowed (loopback only, `ssl = no`; with tls=True a self-signed certificate
for 127.0.0.1 at `cafile`, STARTTLS and `imaps_url`), users come from a passwd-file, the
folders Drafts (\\Drafts) and Sent (\\Sent) exist. Run as root, the login processes run as
Dovecot's own system users (imap-login refuses root) and the mail belongs to the `dovecot`
user; otherwise everything runs as the current user. Stops the process it started, by its pid.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
INSTALL = "apt-get install -y dovecot-imapd"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
mail_privileged_group =
mail_location = maildir:~/Maildir
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {dir}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  mailbox Drafts {{
    special_use = \\Drafts
    auto = subscribe
  }}
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
"""


class Dovecot:
    def __init__(self, user: str = "support", password: str = "Korrekt-Hest-9", timeout: float = 15.0,
                 idle: bool = True, tls: bool = False):
        if not os.path.exists(DOVECOT):
            raise RuntimeError(f"Dovecot is not installed: run  {INSTALL}  (as root) and try again.")
        self.user, self.password, self.timeout = user, password, timeout
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="npr-dovecot-"))
        self.dir.chmod(0o755)  # Dovecot's own system users must reach the run directory
        self.url = f"imap://127.0.0.1:{self.port}/INBOX"
        self.proc: subprocess.Popen | None = None
        if os.getuid() == 0:  # imap-login will not run as root; mail belongs to Dovecot's user
            owner = pwd.getpwnam("dovecot")
            uid, gid, users = owner.pw_uid, owner.pw_gid, ""
        else:
            me = pwd.getpwuid(os.getuid())
            uid, gid = me.pw_uid, me.pw_gid
            users = (f"default_internal_user = {me.pw_name}\ndefault_login_user = {me.pw_name}\n"
                     f"default_internal_group = {grp.getgrgid(gid).gr_name}\n")
        self.home = self.dir / "mail" / user
        self.home.mkdir(parents=True)
        os.chown(self.dir / "mail", uid, gid)
        os.chown(self.home, uid, gid)
        (self.dir / "passwd").write_text(f"{user}:{{PLAIN}}{password}:{uid}:{gid}::{self.home}\n")
        if not idle:  # a server without IDLE, as some are: clients must poll
            users += "imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE NAMESPACE UIDPLUS UNSELECT CHILDREN " \
                     "LIST-EXTENDED SPECIAL-USE\n"
        self.imaps_port, ssl = 0, "ssl = no"
        self.cafile = self.dir / "cert.pem"
        if tls:  # a self-signed certificate for 127.0.0.1: STARTTLS on the imap port, TLS on imaps
            self.imaps_port = free_port()
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                            "-keyout", str(self.dir / "key.pem"), "-out", str(self.cafile),
                            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                           check=True, capture_output=True)
            ssl = f"ssl = yes\nssl_cert = <{self.cafile}\nssl_key = <{self.dir / 'key.pem'}"
        self.imaps_url = f"imaps://127.0.0.1:{self.imaps_port}/INBOX"
        (self.dir / "dovecot.conf").write_text(CONFIG.format(dir=self.dir, port=self.port, users=users, ssl=ssl,
                                                             imaps_port=self.imaps_port))

    def alive(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                return s.recv(64).startswith(b"* OK")
        except OSError:
            return False

    def start(self) -> "Dovecot":
        self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(self.dir / "dovecot.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)  # its own process group: stop() ends all of it
        deadline = time.monotonic() + self.timeout
        while not self.alive():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.poll() is not None else ""
                self.stop()
                raise RuntimeError(f"dovecot did not answer on 127.0.0.1:{self.port}: {err.strip()}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """The server goes away at once: the master and every login and imap process it started."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group we started, by its id
            except ProcessLookupError:
                pass
            self.proc.wait()
            deadline = time.monotonic() + 5
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
        self.proc = None

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        client.login(self.user, self.password)
        return client

    def append(self, folder: str, raw: bytes, flags=()) -> None:
        with self.client() as c:
            c.append(folder, raw, flags=flags)

    def append_many(self, folder: str, raws: list[bytes]) -> None:
        with self.client() as c:
            for raw in raws:
                c.append(folder, raw)

    def fetch(self, folder: str, parts=("BODY.PEEK[]", "FLAGS")) -> list[dict]:
        """Every message in `folder`, oldest first: {b"BODY[]": ..., b"FLAGS": (...)}."""
        with self.client() as c:
            c.select_folder(folder, readonly=True)
            uids = c.search("ALL")
            data = c.fetch(uids, list(parts)) if uids else {}
        return [data[u] for u in sorted(data)]

    def __enter__(self) -> "Dovecot":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

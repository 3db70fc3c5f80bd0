"""A private Mosquitto broker on loopback: anonymous and password listeners."""

from __future__ import annotations

from pathlib import Path
import secrets
import shutil
import signal
import socket
import subprocess
import time

import pytest

STARTUP_TIMEOUT = 20.0


def _binary(name: str) -> str:
    """Return the path of a Mosquitto binary; a missing one fails the test."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None:
        pytest.fail(f"{name} is not installed (scripts/ensure_services installs it)")
    return found


def free_port() -> int:
    """Return a loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class MosquittoServer:
    """Mosquitto with an anonymous listener and one that needs a password.

    Ports stay the same across :meth:`stop` and :meth:`start`, so a stopped
    broker can come back where clients expect it.
    """

    def __init__(self, directory: Path) -> None:
        """Write the configuration and password file into ``directory``."""
        self.host = "127.0.0.1"
        self.anonymous_port = free_port()
        self.password_port = free_port()
        self.username = "monitor"
        self.password = f"pw-{secrets.token_hex(8)}"
        self._directory = directory
        self._process: subprocess.Popen[bytes] | None = None
        password_file = directory / "passwd"
        subprocess.run(
            [
                _binary("mosquitto_passwd"),
                "-b",
                "-c",
                str(password_file),
                self.username,
                self.password,
            ],
            check=True,
            capture_output=True,
        )
        # A user who may publish but not read back: its echoes never arrive.
        self.mute_username = "mute"
        subprocess.run(
            [
                _binary("mosquitto_passwd"),
                "-b",
                str(password_file),
                self.mute_username,
                self.password,
            ],
            check=True,
            capture_output=True,
        )
        password_file.chmod(0o600)
        acl_file = directory / "acl"
        acl_file.write_text(
            f"user {self.username}\ntopic readwrite #\n"
            f"user {self.mute_username}\ntopic write #\n",
            encoding="utf-8",
        )
        acl_file.chmod(0o600)
        self._config = directory / "mosquitto.conf"
        self._config.write_text(
            "\n".join(
                [
                    "per_listener_settings true",
                    "persistence false",
                    "user root",
                    "log_dest stderr",
                    f"listener {self.anonymous_port} {self.host}",
                    "allow_anonymous true",
                    f"listener {self.password_port} {self.host}",
                    "allow_anonymous false",
                    f"password_file {password_file}",
                    f"acl_file {acl_file}",
                    "",
                ]
            ),
            encoding="utf-8",
        )

    def start(self) -> None:
        """Start the broker and wait until both listeners accept connections."""
        assert self._process is None, "already running"
        log = (self._directory / "mosquitto.log").open("ab")
        self._process = subprocess.Popen(
            [_binary("mosquitto"), "-c", str(self._config)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not (_accepts(self.anonymous_port) and _accepts(self.password_port)):
            if self._process.poll() is not None or time.monotonic() > deadline:
                output = (self._directory / "mosquitto.log").read_text(errors="replace")
                self.stop()
                pytest.fail(f"Mosquitto did not start: {output}")
            time.sleep(0.05)

    def pause(self) -> None:
        """Freeze the broker (SIGSTOP): connections stay open, nothing answers."""
        assert self._process is not None, "not running"
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """Let a broker frozen by :meth:`pause` run again (SIGCONT)."""
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Stop the broker; its clients see their connections drop."""
        process, self._process = self._process, None
        if process is None:
            return
        # A frozen broker would not act on SIGTERM.
        process.send_signal(signal.SIGCONT)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

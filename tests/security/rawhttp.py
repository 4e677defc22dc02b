"""Raw HTTP/1.1 on loopback, for bodies no ordinary client sends: chunked without a
length, chunked that breaks off, bodies shorter than their Content-Length.

``send`` writes the bytes it is given, half-closes the connection when told to (as a
client that gave up would), and reads the answer to its end.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def error_code(self) -> str | None:
        try:
            return self.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None


def _read_answer(sock: socket.socket) -> Answer:
    data = b""
    while True:
        try:
            block = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not block:
            break
        data += block
    head, _sep, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or len(lines[0].split()) < 2:
        raise ConnectionError(f"no HTTP answer (got {data[:80]!r})")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    return Answer(status, headers, body)


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _sep, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2:]
    return out


def send(port: int, method: str, target: str, headers: dict[str, str], body: bytes = b"", *,
         half_close: bool = False, timeout: float = 30) -> Answer:
    """Send exactly these bytes (no Content-Length is added) and read the answer."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        return _read_answer(sock)


def chunked(body: bytes, size: int = 700, *, finish: bool = True) -> bytes:
    """``body`` in chunked transfer coding; without ``finish`` the last chunk never comes."""
    out = b""
    for start in range(0, len(body), size):
        piece = body[start:start + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + (b"0\r\n\r\n" if finish else b"")


def multipart(boundary: str, fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> bytes:
    """A complete multipart/form-data body: text fields, then (field, filename, bytes) files."""
    out = b""
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").encode()
        out += value.encode() + b"\r\n"
    for field, filename, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
                f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
        out += data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()

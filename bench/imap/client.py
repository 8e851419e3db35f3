#!/usr/bin/env python3
"""IMAP load for `npm run bench -- imap`, the same for every server (raw IMAP, literal-aware).

  fetchall  SELECT INBOX, UID FETCH 1:* (UID FLAGS ENVELOPE RFC822.SIZE); run twice, the warm one counts
  bodies    UID FETCH 1:N BODY.PEEK[] in one command, warm, best of three: MB/s of message bytes
  sessions  C clients loop LOGIN / SELECT / fetch envelopes of the last 50 / LOGOUT for D seconds
  idle      N connections LOGIN, SELECT, IDLE, in W waves; after each prints READY, holds them until a line on stdin
Arguments: one JSON object (mode, host, port, user, password, and the mode's numbers). One JSON line out.
"""
import asyncio, json, socket, sys, time

a = json.loads(sys.argv[1])


class Imap:
    def __init__(self):
        self.s = socket.create_connection((a["host"], a["port"]))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.f = self.s.makefile("rb", buffering=1 << 20)
        self.n = 0
        self.f.readline()

    def cmd(self, command):
        self.n += 1
        tag = b"T%d" % self.n
        self.s.sendall(tag + b" " + command.encode() + b"\r\n")
        fetches = literal_bytes = 0
        while True:
            line = self.f.readline()
            if not line:
                raise ConnectionError("closed")
            first = line
            while line.endswith(b"}\r\n") and b"{" in line:
                size = int(line[line.rfind(b"{") + 1:-3])
                self.f.read(size)
                literal_bytes += size
                line = self.f.readline()
            if first.startswith(b"* "):
                if b" FETCH " in first[:40]:
                    fetches += 1
                continue
            if first.startswith(tag + b" "):
                if not first[len(tag) + 1:].startswith(b"OK"):
                    raise RuntimeError(first)
                return fetches, literal_bytes

    def login(self):
        self.cmd('LOGIN "%s" "%s"' % (a["user"], a["password"]))

    def close(self):
        try:
            self.cmd("LOGOUT")
        except Exception:
            pass
        self.s.close()


def fetchall():
    best = None
    for _ in range(2):
        c = Imap(); c.login(); c.cmd("SELECT INBOX")
        start = time.perf_counter()
        count, _ = c.cmd("UID FETCH 1:* (UID FLAGS ENVELOPE RFC822.SIZE)")
        seconds = time.perf_counter() - start
        c.close()
        best = {"messages": count, "seconds": seconds}
    return {"envelopesPerSecond": round(best["messages"] / best["seconds"]), **best}


def bodies():
    c = Imap(); c.login(); c.cmd("EXAMINE INBOX")
    c.cmd("UID FETCH 1:%d BODY.PEEK[]" % a["count"])  # warm
    seconds = float("inf")
    for _ in range(3):  # the best of three
        start = time.perf_counter()
        count, size = c.cmd("UID FETCH 1:%d BODY.PEEK[]" % a["count"])
        seconds = min(seconds, time.perf_counter() - start)
    c.close()
    return {"messages": count, "megabytes": round(size / 1e6, 2), "seconds": seconds, "megabytesPerSecond": round(size / 1e6 / seconds, 1)}


async def async_cmd(reader, writer, tag, command):
    writer.write(tag + b" " + command + b"\r\n")
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("closed")
        while line.endswith(b"}\r\n") and b"{" in line:
            await reader.readexactly(int(line[line.rfind(b"{") + 1:-3]))
            line = await reader.readline()
        if line.startswith(tag + b" "):
            if not line[len(tag) + 1:].startswith(b"OK"):
                raise RuntimeError(line)
            return


async def sessions():
    done = [0]
    errors = []
    deadline = time.perf_counter() + a["seconds"]
    login = ('LOGIN "%s" "%s"' % (a["user"], a["password"])).encode()
    last = a["messages"]

    async def client():
        while time.perf_counter() < deadline:
            try:
                reader, writer = await asyncio.open_connection(a["host"], a["port"])
                await reader.readline()
                await async_cmd(reader, writer, b"a", login)
                await async_cmd(reader, writer, b"b", b"SELECT INBOX")
                await async_cmd(reader, writer, b"c", b"UID FETCH %d:* (UID FLAGS ENVELOPE)" % max(1, last - 49))
                await async_cmd(reader, writer, b"d", b"LOGOUT")
                writer.close()
                done[0] += 1
            except Exception as error:
                errors.append(str(error)[:200])
    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(a["clients"])))
    seconds = time.perf_counter() - start
    return {"sessions": done[0], "seconds": seconds, "sessionsPerSecond": round(done[0] / seconds, 1), "errors": len(errors), "firstErrors": errors[:3]}


async def idle():
    login = ('LOGIN "%s" "%s"' % (a["user"], a["password"])).encode()
    held = []
    errors = []
    semaphore = asyncio.Semaphore(50)

    async def one():
        async with semaphore:
            try:
                reader, writer = await asyncio.open_connection(a["host"], a["port"])
                await reader.readline()
                await async_cmd(reader, writer, b"a", login)
                await async_cmd(reader, writer, b"b", b"SELECT INBOX")
                writer.write(b"c IDLE\r\n")
                line = await reader.readline()
                if not line.startswith(b"+"):
                    raise RuntimeError(line)
                held.append(writer)
            except Exception as error:
                errors.append(str(error)[:200])
    # In waves: after each, one line of JSON, then a line on stdin before the next (and before closing).
    waves = a.get("waves", 1)
    for wave in range(waves):
        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(a["connections"] // waves)))
        print(json.dumps({"ready": len(held), "errors": len(errors), "firstErrors": errors[:3], "openSeconds": round(time.perf_counter() - start, 1)}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for writer in held:
        writer.close()
    return {"closed": len(held)}


mode = a["mode"]
result = {"fetchall": fetchall, "bodies": bodies}.get(mode)
print(json.dumps(result() if result else asyncio.run({"sessions": sessions, "idle": idle}[mode]())), flush=True)

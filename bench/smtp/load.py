#!/usr/bin/env python3
"""SMTP load for `npm run bench -- smtp`: one asyncio process, PIPELINING of the envelope, C
connections each sending K messages then reconnecting; optional STARTTLS (verifying the server
against a CA file) and AUTH PLAIN. Prints one JSON line: accepted count, seconds to the last 250,
and the generator's own CPU, so that its share of the machine is known.

Arguments: one JSON object (host, port, n, conc, perConn, sender, rcpts, messageFile, ca?, user?, password?)."""
import asyncio, base64, json, resource, ssl, sys, time

a = json.loads(sys.argv[1])
message = open(a["messageFile"], "rb").read()
if not message.endswith(b"\r\n"):
    message += b"\r\n"
# Dot-stuffing, then the end of data.
payload = message.replace(b"\r\n.", b"\r\n..") + b".\r\n"
envelope = (f"MAIL FROM:<{a['sender']}>\r\n" + "".join(f"RCPT TO:<{r}>\r\n" for r in a["rcpts"]) + "DATA\r\n").encode()
tls = None
if a.get("ca"):
    tls = ssl.create_default_context(cafile=a["ca"])
auth = None
if a.get("user"):
    auth = b"AUTH PLAIN " + base64.b64encode(b"\0" + a["user"].encode() + b"\0" + a["password"].encode()) + b"\r\n"


async def reply(reader):
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("connection closed")
        if line[3:4] != b"-":
            return int(line[:3]), line


class Counts:
    next = 0
    accepted = 0
    failed = []
    last = None


async def worker(counts):
    while counts.next < a["n"]:
        reader, writer = await asyncio.open_connection(a["host"], a["port"])
        await reply(reader)
        writer.write(b"EHLO load.bench.test\r\n")
        await reply(reader)
        if tls:
            writer.write(b"STARTTLS\r\n")
            code, line = await reply(reader)
            assert code == 220, line
            await writer.start_tls(tls, server_hostname="localhost")
            writer.write(b"EHLO load.bench.test\r\n")
            await reply(reader)
        if auth:
            writer.write(auth)
            code, line = await reply(reader)
            assert code == 235, line
        for _ in range(a["perConn"]):
            if counts.next >= a["n"]:
                break
            counts.next += 1
            writer.write(envelope)
            ok = True
            for _ in range(1 + len(a["rcpts"])):
                code, line = await reply(reader)
                ok = ok and code == 250
            code, line = await reply(reader)
            if code != 354:
                counts.failed.append(line.decode(errors="replace").strip())
                writer.write(b"RSET\r\n")
                await reply(reader)
                continue
            writer.write(payload)
            code, line = await reply(reader)
            if code == 250 and ok:
                counts.accepted += 1
                counts.last = time.perf_counter()
            else:
                counts.failed.append(line.decode(errors="replace").strip())
        writer.write(b"QUIT\r\n")
        try:
            await reply(reader)
        except (ConnectionError, ssl.SSLError):
            pass
        writer.close()


async def main():
    counts = Counts()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    await asyncio.gather(*(worker(counts) for _ in range(a["conc"])))
    used = resource.getrusage(resource.RUSAGE_SELF)
    seconds = (counts.last or time.perf_counter()) - start
    print(json.dumps({
        "accepted": counts.accepted,
        "failed": len(counts.failed),
        "failures": counts.failed[:5],
        "seconds": seconds,
        "start": time.time() - (time.perf_counter() - start),
        "loadCpuSeconds": (used.ru_utime - usage.ru_utime) + (used.ru_stime - usage.ru_stime),
    }))

asyncio.run(main())

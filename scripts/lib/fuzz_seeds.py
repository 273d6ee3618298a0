#!/usr/bin/env python3
"""Seeds a libFuzzer corpus from the test fixtures (Tests/Fixtures, README.md there).

Usage: fuzz_seeds.py FUZZER CORPUS_DIR   (scripts/fuzz runs it before each fuzzer)

Each seed is written as CORPUS_DIR/fixture-<sha1 of its bytes>, so seeding again adds nothing twice and leaves
what the fuzzer found beside it. FuzzSSDP, FuzzHTTPHeaders and FuzzUPnPClient get no seeds: no fixture holds SSDP
datagrams, HTTP header values or device answers. FuzzConfig is seeded from board/messagingd.conf and the
configuration files the tests of Tests/MessagingServerTests write as Swift string literals.
"""

import glob
import hashlib
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

# Relative to this file (scripts/lib/), so that the working directory does not matter.
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")

# FuzzAT: byte 0 picks the command in flight (Sources/FuzzTargets/ATFuzzing.swift, FuzzCommands.all, same order),
# byte 1 seeds the chunk sizes; the rest is modem output.
AT_COMMANDS = ["AT+CMGL", "AT+CMGR", "AT+CPMS?", "AT+CNUM", "AT+CSQ", "AT+COPS?", "AT+CREG?", "AT+CGMI", "ATI",
               "AT+CMGS"]
AT_PLAIN = AT_COMMANDS.index("AT+CGMI")


def records(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def sms_pdus():
    """Every PDU of the SMS vector files, as the bytes the file gives (with or without the SMSC field)."""
    for name in ["sms-deliver.jsonl", "sms-submit.jsonl", "sms-status-report.jsonl", "sms-malformed.jsonl"]:
        for record in records(name):
            yield record
    for record in records("concat-sets.jsonl"):
        yield from record.get("parts", [])


def pdu_seeds():
    for record in sms_pdus():
        try:
            yield bytes.fromhex(record["pdu"])
        except (KeyError, ValueError):
            continue


def septet_seeds():
    """GSM 7-bit user data without a header: [TP-UDL] + the packed septets at the end of the TPDU."""
    for record in sms_pdus():
        expect = record.get("expect") or {}
        udl = expect.get("udl")
        if expect.get("alphabet") != "gsm7" or expect.get("udh") or not isinstance(udl, int) or not 0 < udl < 256:
            continue
        try:
            pdu = bytes.fromhex(record["pdu"])
        except (KeyError, ValueError):
            continue
        octets = (udl * 7 + 7) // 8
        if octets <= len(pdu):
            yield bytes([udl]) + pdu[-octets:]


def at_seeds():
    """Every response, URC block and dump of the AT transcripts, behind the command that would be in flight."""
    for path in sorted(glob.glob(os.path.join(FIXTURES, "at-transcripts", "*.json"))):
        with open(path, encoding="utf-8") as f:
            transcript = json.load(f)
        exchanges = []
        for key in ["commands", "text_mode_commands"]:
            exchanges += list((transcript.get(key) or {}).items())
        for sequence in transcript.get("sequences") or []:
            exchanges += [(step.get("tx", ""), step["rx"]) for step in sequence.get("exchange") or [] if "rx" in step]
        for urc in transcript.get("urcs") or []:
            if isinstance(urc.get("lines"), str):
                exchanges.append(("", urc["lines"]))
        for dump in transcript.get("raw_dumps") or []:
            if isinstance(dump.get("raw"), str):
                exchanges.append(("", dump["raw"]))
        for command, response in exchanges:
            if not isinstance(response, str):
                continue
            selector = next((i for i, c in enumerate(AT_COMMANDS) if command.startswith(c)), AT_PLAIN)
            for chunking in [0, 7]:  # 0: one byte at a time; otherwise 1…32-byte chunks
                yield bytes([selector, chunking]) + response.encode("utf-8")


def xml_seeds():
    """The Messaging:2 examples (valid, invalid, SOAP), the SCPD, and the fragments the SOAP bodies carry as text."""
    paths = sorted(glob.glob(os.path.join(FIXTURES, "spec", "examples", "**", "*.xml"), recursive=True))
    paths.append(os.path.join(FIXTURES, "spec", "Messaging2-scpd.xml"))
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        yield data
        if path.endswith("-request.xml"):
            # The request as control points send it, without the fixture's comment: the shape the SOAP fast reader
            # takes (SOAPEnvelopeReader), so that mutations start inside its subset.
            yield re.sub(rb"<!--.*?-->\s*", b"", data, flags=re.S)
        if os.sep + "soap" + os.sep in path:
            for element in ET.fromstring(data).iter():
                if element.text and re.match(r"\s*<", element.text):
                    yield element.text.strip().encode("utf-8")


def mms_seeds():
    """Each WAP-push datagram of mms/, and the MMS PDU it carries (from the sidecar's mms_pdu_offset)."""
    for path in sorted(glob.glob(os.path.join(FIXTURES, "mms", "*.wsp"))):
        with open(path, "rb") as f:
            data = f.read()
        yield data
        with open(path + ".json", encoding="utf-8") as f:
            offset = json.load(f).get("mms_pdu_offset")
        if isinstance(offset, int) and 0 < offset < len(data):
            yield data[offset:]


SWIFT_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "0": "\0", "'": "'"}


def swift_unescape(text):
    """A Swift string literal's text with its simple escapes resolved; None when it interpolates (`\\(`)."""
    if "\\(" in text:
        return None
    return re.sub(r"\\(.)", lambda m: SWIFT_ESCAPES.get(m.group(1), m.group(0)), text)


def config_seeds():
    """board/messagingd.conf, and every TOML the configuration tests write: multi-line literals (their indentation
    removed, as Swift does) and one-line literals with an escaped line break or a table header."""
    with open(os.path.join(ROOT, "board", "messagingd.conf"), "rb") as f:
        yield f.read()
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests", "MessagingServerTests", "*.swift"))):
        with open(path, encoding="utf-8") as f:
            source = f.read()
        for match in re.finditer(r'"""\n(.*?)\n([ \t]*)"""', source, re.S):
            indent = match.group(2)
            lines = [line[len(indent):] if line.startswith(indent) else line.lstrip()
                     for line in match.group(1).split("\n")]
            text = swift_unescape("\n".join(lines))
            if text and "=" in text:
                yield text.encode("utf-8")
        for match in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', source):
            literal = match.group(1)
            if "=" in literal and ("\\n" in literal or literal.startswith("[")):
                text = swift_unescape(literal)
                if text:
                    yield text.encode("utf-8")


SEEDS = {"FuzzPDU": pdu_seeds, "FuzzSeptets": septet_seeds, "FuzzAT": at_seeds, "FuzzXML": xml_seeds,
         "FuzzMMS": mms_seeds, "FuzzConfig": config_seeds}


def main():
    fuzzer, corpus = sys.argv[1], sys.argv[2]
    os.makedirs(corpus, exist_ok=True)
    written = 0
    for seed in SEEDS.get(fuzzer, lambda: [])():
        path = os.path.join(corpus, "fixture-" + hashlib.sha1(seed).hexdigest())
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(seed)
            written += 1
    print(f"{fuzzer}: {written} new seeds from Tests/Fixtures")


if __name__ == "__main__":
    main()

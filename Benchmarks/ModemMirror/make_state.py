#!/usr/bin/env python3
"""Writes a `modemctl simulate --state FILE` with a phone store (ME) of N stored PDUs for scripts/bench-modem.

Usage: make_state.py MODEMCTL STATE_FILE COUNT [NUMBER_KEY]

The user data of every message comes from our own encoder (`modemctl pdu encode --json`, SMSCodec): single-part
GSM 7-bit, concatenated GSM 7-bit, single and concatenated UCS-2, plus stored SUBMITs (drafts/sent, <stat> 2/3).
Received messages are the encoder's SMS-SUBMIT rewritten as SMS-DELIVER (TS 23.040 §9.2.2.1): same PID, DCS,
UDL and UD, the destination becomes the originator, TP-VP is replaced by a TP-SCTS. Every PDU is then checked
with `modemctl pdu decode -`. The state layout is ModemSimulator's SimulatorState (Sources/ModemSimulator/
Persistence/SimulatorState.swift): {"modems": {KEY: {"phone": SlotStore, "sim": SlotStore}}}, a SlotStore being
{"storage", "capacity", "slots": {"<index>": {"status": <0…3>, "pdu": [octets]}}}.
"""
import json
import subprocess
import sys

WORDS = ("meeting moved to three, bring the slides and the charger please; call me when you land at the airport "
         "tonight or tomorrow morning before nine, the train is late again").split()
UCS2_WORDS = "Привет мир это длинное сообщение 你好 世界 Grüße ¿Qué tal? ☺ значит".split()


def text(words, length, seed):
    out = []
    i = seed
    while len(" ".join(out)) < length:
        out.append(words[i % len(words)])
        i = i * 7 + 3
    return " ".join(out)[:length]


def encode(modemctl, to, body):
    result = subprocess.run([modemctl, "pdu", "encode", "--to", to, "--text", body, "--smsc", "+15559990000",
                             "--json"], check=True, capture_output=True, text=True)
    return [bytes.fromhex(part["pdu"]) for part in json.loads(result.stdout)["parts"]]


def set_concat_ref(pdu, ref):
    """Gives a concatenated message its own 8-bit reference (IEI 00, TS 23.040 §9.2.3.24.1)."""
    pdu = bytearray(pdu)
    i = 1 + pdu[0]
    if not pdu[i] & 0x40:
        return bytes(pdu)
    udh = submit_fields(bytes(pdu))["ud_start"] + 1
    if pdu[udh] == 0x00:
        pdu[udh + 2] = ref & 0xFF
    return bytes(pdu)


def submit_fields(pdu):
    """Offsets of an SMS-SUBMIT with SMSC field (TS 23.040 §9.2.2.2)."""
    i = 1 + pdu[0]
    first = pdu[i]
    i += 2  # first octet, TP-MR
    da_start = i
    i += 2 + (pdu[i] + 1) // 2  # TP-DA: length in digits, TOA, semi-octets
    da_end = i
    pid, dcs = pdu[i], pdu[i + 1]
    i += 2
    i += {0: 0, 2: 1, 1: 7, 3: 7}[(first >> 3) & 3]  # TP-VPF → TP-VP length
    return {"first": first, "da": pdu[da_start:da_end], "pid": pid, "dcs": dcs, "ud_start": i + 1,
            "udl_start": i}


def to_deliver(pdu, seq):
    """SMS-SUBMIT → SMS-DELIVER with the same user data (TS 23.040 §9.2.2.1)."""
    f = submit_fields(pdu)
    smsc = pdu[:1 + pdu[0]]
    first = 0x04 | (f["first"] & 0x40)  # TP-MTI 00, TP-MMS (no more messages), TP-UDHI kept
    minute, second = divmod(seq, 60)
    scts = bytes(((v % 10) << 4) | (v // 10) for v in (26, 11, 23, 9, minute % 60, second, 0))  # semi-octets
    return smsc + bytes([first]) + f["da"] + bytes([f["pid"], f["dcs"]]) + scts + pdu[f["udl_start"]:]


def main():
    modemctl, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    key = sys.argv[4] if len(sys.argv) > 4 else "15550000001"
    slots = {}
    kinds = {"gsm7-single": 0, "gsm7-concat": 0, "ucs2-single": 0, "ucs2-concat": 0, "submit": 0}
    n = 0
    while len(slots) < count:
        room = count - len(slots)
        kind = n % 10
        sender = "+1555%07d" % (1000 + n % 37)
        if kind in (5, 6) and room >= 3:
            parts, name = encode(modemctl, sender, text(WORDS, 200 + 130 * (n % 2), n)), "gsm7-concat"
        elif kind == 7:
            parts, name = encode(modemctl, sender, text(UCS2_WORDS, 20 + n % 50, n)), "ucs2-single"
        elif kind == 8 and room >= 2:
            parts, name = encode(modemctl, sender, text(UCS2_WORDS, 90 + n % 40, n)), "ucs2-concat"
        elif kind == 9:
            parts, name = encode(modemctl, sender, text(WORDS, 30 + n % 120, n)), "submit"
        else:
            parts, name = encode(modemctl, sender, text(WORDS, 10 + (n * 13) % 150, n)), "gsm7-single"
        if len(parts) > room:
            n += 1
            continue
        kinds[name] += 1
        for part in parts:
            part = set_concat_ref(part, n)
            if name == "submit":
                pdu, status = part, 2 + n % 2
            else:
                pdu, status = to_deliver(part, len(slots)), n % 2
            slots[str(len(slots) + 1)] = {"status": status, "pdu": list(pdu)}
        n += 1

    hexes = "".join(bytes(s["pdu"]).hex().upper() + "\n" for s in slots.values())
    decoded = subprocess.run([modemctl, "pdu", "decode", "-"], input=hexes, check=True, capture_output=True,
                             text=True).stdout.splitlines()
    bad = [line for line in decoded if '"error"' in line]
    if len(decoded) != len(slots) or bad:
        sys.exit("make_state: %d of %d PDUs do not decode: %s" % (len(bad), len(slots), bad[:1]))
    state = {"modems": {key: {"phone": {"storage": "ME", "capacity": 255, "slots": slots},
                              "sim": {"storage": "SM", "capacity": 50, "slots": {}}}}}
    with open(path, "w") as out:
        json.dump(state, out)
    pdu_octets = sum(len(s["pdu"]) for s in slots.values())
    print("store: %d PDUs in ME (%s), %d PDU octets" % (
        len(slots), ", ".join("%s %d" % kv for kv in kinds.items()), pdu_octets))


if __name__ == "__main__":
    main()

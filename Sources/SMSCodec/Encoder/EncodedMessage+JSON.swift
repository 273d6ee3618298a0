/// The JSON of `modemctl pdu encode --json` (DESIGN.md): `{"alphabet","parts":[{"pdu","tpdu_length"}]}`, plus
/// fields that may be added but never renamed.
extension EncodedMessage {
    package var json: JSONValue {
        var members: [(String, JSONValue)] = [("alphabet", .string(alphabetName))]
        if case .gsm7(let locking, let single) = alphabet {
            if let locking { members.append(("national_locking_shift", .string(locking.description))) }
            if let single { members.append(("national_single_shift", .string(single.description))) }
        }
        members.append(
            (
                "parts",
                .array(
                    parts.map { part in
                        .object([
                            ("pdu", .string(part.hex)),
                            ("tpdu_length", .int(part.tpduLength)),
                            ("mr", .int(Int(part.messageReference))),
                            ("text", .string(part.text)),
                        ])
                    }
                )
            )
        )
        return .object(members)
    }

    /// `gsm7`, `ucs2` or `8bit`.
    package var alphabetName: String {
        switch alphabet {
        case .gsm7: SMSAlphabet.gsm7.rawValue
        case .ucs2: SMSAlphabet.ucs2.rawValue
        case .eightBit: SMSAlphabet.eightBit.rawValue
        }
    }
}

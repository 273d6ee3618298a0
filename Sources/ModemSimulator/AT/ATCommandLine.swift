/// One command of an AT command line, as a modem's command interpreter splits it (ITU-T V.250 §5.2).
///
/// `ATE0+CMEE=1;+CMGF=0` holds three commands: the basic command `E0` and the extended commands `+CMEE=1` and
/// `+CMGF=0` (V.250 §5.4: extended commands are separated by `;`).
struct ATCommand: Hashable, Sendable {
    /// How the command was written (V.250 §5.4.2/5.4.3).
    enum Form: Hashable, Sendable {
        /// `+CMGL` (action).
        case action
        /// `+CMGL=…` (set, or action with parameters).
        case set(String)
        /// `+CPMS?` (read).
        case read
        /// `+CPMS=?` (test).
        case test
    }

    /// Upper-cased name: `E`, `Z`, `&F`, `S0`, `+CMGS`, `^ICCID`, `!ICCID`, `$QCSIMSTAT`.
    var name: String
    var form: Form

    /// The raw parameter text of a set command, or "" for the other forms.
    var argument: String {
        if case .set(let text) = form { return text }
        return ""
    }
}

/// Errors of ``ATCommandLine/parse(_:)``: the modem answers them with ERROR.
enum ATCommandLineError: Error, Hashable, Sendable {
    /// The line does not start with `AT`.
    case missingPrefix
    /// A quote is never closed.
    case unterminatedString
    /// A character that cannot start a command.
    case unexpected(Character)
}

/// Splits a command line (without its terminating S3 character) into commands.
enum ATCommandLine {
    /// Longest accepted command line (V.250 §5.2.1 requires at least 40 characters; real modems take 256–560;
    /// AT+CMGS's PDU is not a command line and has its own bound).
    static let maximumLength = 1024

    /// Characters that introduce an extended command name (V.250 §5.4.1 `+`; vendors use `^`, `$`, `%`, `!`, `*`,
    /// `#`).
    static let extendedPrefixes: Set<Character> = ["+", "^", "$", "%", "!", "*", "#"]

    static func parse(_ line: String) throws(ATCommandLineError) -> [ATCommand] {
        let trimmed = line.drop { $0 == " " }
        guard trimmed.count >= 2, trimmed.prefix(2).uppercased() == "AT" else { throw .missingPrefix }
        var chars = Array(trimmed.dropFirst(2))
        // V.250 §5.2.1: spaces are ignored outside strings. Strip them while keeping quoted text intact.
        chars = stripSpaces(chars)
        var commands: [ATCommand] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == ";" {
                i += 1
                continue
            }
            if extendedPrefixes.contains(c) {
                var name = String(c)
                i += 1
                while i < chars.count, chars[i] != "=", chars[i] != "?", chars[i] != ";" {
                    name.append(chars[i])
                    i += 1
                }
                var form = ATCommand.Form.action
                if i < chars.count, chars[i] == "?" {
                    form = .read
                    i += 1
                } else if i < chars.count, chars[i] == "=" {
                    i += 1
                    if i < chars.count, chars[i] == "?" {
                        form = .test
                        i += 1
                    } else {
                        var argument = ""
                        var inString = false
                        while i < chars.count, inString || chars[i] != ";" {
                            if chars[i] == "\"" { inString.toggle() }
                            argument.append(chars[i])
                            i += 1
                        }
                        if inString { throw .unterminatedString }
                        form = .set(argument)
                    }
                }
                commands.append(ATCommand(name: name.uppercased(), form: form))
                continue
            }
            guard c.isLetter || c == "&" || c == "\\" else { throw .unexpected(c) }
            var name = String(c).uppercased()
            i += 1
            if c == "&" || c == "\\" {
                guard i < chars.count, chars[i].isLetter else { throw .unexpected(c) }
                name += String(chars[i]).uppercased()
                i += 1
            }
            if name == "D" {
                // V.250 §6.3.1: the dial string runs to the end of the line.
                commands.append(ATCommand(name: "D", form: .set(String(chars[i...]))))
                break
            }
            if name == "S" {
                var register = ""
                while i < chars.count, chars[i].isNumber {
                    register.append(chars[i])
                    i += 1
                }
                name += register
                if i < chars.count, chars[i] == "?" {
                    commands.append(ATCommand(name: name, form: .read))
                    i += 1
                } else if i < chars.count, chars[i] == "=" {
                    i += 1
                    var value = ""
                    while i < chars.count, chars[i].isNumber {
                        value.append(chars[i])
                        i += 1
                    }
                    commands.append(ATCommand(name: name, form: .set(value)))
                } else {
                    commands.append(ATCommand(name: name, form: .action))
                }
                continue
            }
            var digits = ""
            while i < chars.count, chars[i].isNumber {
                digits.append(chars[i])
                i += 1
            }
            commands.append(ATCommand(name: name, form: digits.isEmpty ? .action : .set(digits)))
        }
        return commands
    }

    private static func stripSpaces(_ chars: [Character]) -> [Character] {
        var result: [Character] = []
        result.reserveCapacity(chars.count)
        var inString = false
        for c in chars {
            if c == "\"" { inString.toggle() }
            if c == " " && !inString { continue }
            result.append(c)
        }
        return result
    }
}

/// Splits the parameter text of a set command at top-level commas, removing quotes (TS 27.007 §4.1 strings).
enum ATArguments {
    /// Most parameters any command the simulator knows takes.
    static let maximumCount = 16

    /// `"SM","ME",3` → `["SM", "ME", "3"]`; empty parameters stay as "" (`2,,0` → `["2", "", "0"]`).
    static func split(_ text: String) -> [String]? {
        var result: [String] = []
        var current = ""
        var inString = false
        for c in text {
            if c == "\"" {
                inString.toggle()
                continue
            }
            if c == "," && !inString {
                result.append(current)
                current = ""
                if result.count > maximumCount { return nil }
                continue
            }
            current.append(c)
        }
        if inString { return nil }
        result.append(current)
        return result
    }

    /// A non-negative integer parameter within `range`, nil when absent, malformed or out of range.
    static func integer(_ text: String, in range: ClosedRange<Int>) -> Int? {
        guard !text.isEmpty, text.count <= 10, let value = Int(text), range.contains(value) else { return nil }
        return value
    }
}

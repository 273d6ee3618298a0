/// Escaping of text for XML character data and attribute values (XML 1.0 §2.4).
///
/// UPnP carries XML-valued action arguments as escaped text inside the SOAP body (UDA 1.1 §3.2.1), so every
/// fragment the service emits passes through here exactly once.
public enum XMLEscaping {
    /// Escapes `&`, `<`, `>`, `"` and `'`. Control characters that XML 1.0 forbids (below U+0020 except tab, LF,
    /// CR) are replaced by U+FFFD, since no escape can carry them.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                result.unicodeScalars.append("\u{FFFD}")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

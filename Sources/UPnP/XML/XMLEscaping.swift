/// Escaping of text for XML character data and attribute values (XML 1.0 §2.4, §3.3.3).
///
/// UPnP carries XML-valued action arguments as escaped text inside the SOAP body (UDA 1.1 §3.2.1), so every
/// fragment the service emits passes through here exactly once.
public enum XMLEscaping {
    /// Escapes character data: `&`, `<`, `>`, `"`, `'`, and CR as `&#13;` (a raw CR would be normalised to LF by
    /// every parser, XML 1.0 §2.11). Control characters that XML 1.0 forbids (below U+0020 except tab, LF, CR)
    /// and the non-characters U+FFFE/U+FFFF are replaced by U+FFFD, since no escape can carry them.
    public static func escape(_ text: String) -> String {
        escape(text, inAttribute: false)
    }

    /// Escapes an attribute value: as ``escape(_:)``, and tab and LF as character references too, since
    /// attribute-value normalisation (XML 1.0 §3.3.3) would turn raw ones into spaces.
    public static func escapeAttribute(_ value: String) -> String {
        escape(value, inAttribute: true)
    }

    private static func escape(_ text: String, inAttribute: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\r": result += "&#13;"
            case "\t": result += inAttribute ? "&#9;" : "\t"
            case "\n": result += inAttribute ? "&#10;" : "\n"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                result.unicodeScalars.append("\u{FFFD}")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

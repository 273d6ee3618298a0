import Foundation
import Logging
import Messaging
import TOMLKit
import UPnP

// MARK: - The configuration file (TOML)
//
// Layout (board/messagingd.conf is the commented example):
//
//     log-level = "info"
//     [network]   interfaces = ["eth0"], http-port = 0, ssdp-port = 1900
//     [access]    control = ["192.168.1.0/24"], read-only = ["10.0.0.0/8"]
//     [web]       password = "…"
//     [messages]  storage-policy = "move" | "keep"
//     [send]      attempts = 10, first-retry-delay = 5, max-retry-delay = 600, status-reports = true
//     [[modem]]   device, baud, pin, smsc, own-number, name, database
//     [hooks]     on-receive, on-sent, on-failed = "/path" | ["/path", "arg"], timeout = 30, concurrency = 4,
//                 first-retry-delay = 5, max-retry-delay = 600, give-up-after = 86400
//     [[hooks.webhook]]  url = "http://…", events = ["received", "sent", "failed"], secret = "…"
//     [mms]       mmsc-url = "http://…", mms-proxy = "host:port", mms-interface = "wwan0", max-size = 307200
//
// Every key is checked: an unknown key is an error (a typo must not silently fall back to a default), and so is a
// value of the wrong type. Durations are whole seconds.

extension MessagingServerSettings {
    /// The keys of each table, for the unknown-key check.
    static let topLevelKeys: Set<String> = [
        "log-level", "network", "access", "web", "messages", "send", "modem", "hooks", "mms",
    ]
    static let mmsKeys: Set<String> = ["mmsc-url", "mms-proxy", "mms-interface", "max-size"]
    static let networkKeys: Set<String> = ["interfaces", "http-port", "ssdp-port"]
    static let accessKeys: Set<String> = ["control", "read-only"]
    static let webKeys: Set<String> = ["password"]
    static let messagesKeys: Set<String> = ["storage-policy"]
    static let sendKeys: Set<String> = ["attempts", "first-retry-delay", "max-retry-delay", "status-reports"]
    static let modemKeys: Set<String> = ["device", "baud", "pin", "smsc", "own-number", "name", "database"]
    static let hooksKeys: Set<String> = [
        "on-receive", "on-sent", "on-failed", "timeout", "concurrency", "first-retry-delay", "max-retry-delay",
        "give-up-after", "webhook",
    ]
    static let webhookKeys: Set<String> = ["url", "events", "secret"]

    /// Largest file read: a hand-written configuration is a few kilobytes.
    static let maximumFileSize = 256 * 1024

    /// The settings of the configuration file at `path`.
    ///
    /// - Throws: ``MessagingServerError``: ``MessagingServerError/Code/cannotStart`` when the file cannot be read,
    ///   ``MessagingServerError/Code/invalidConfiguration`` for what ``init(toml:source:)`` refuses.
    public static func load(path: String) throws(MessagingServerError) -> MessagingServerSettings {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw MessagingServerError(.cannotStart, "configuration file \(path) \(reason)")
        }
        guard data.count <= maximumFileSize else {
            throw .invalid(path, "larger than \(maximumFileSize / 1024) KiB; not a configuration file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalid(path, "not UTF-8 text (TOML v1.0.0 §2)")
        }
        return try MessagingServerSettings(toml: text, source: path)
    }

    /// The settings of the configuration file `path` names, or of ``defaultPath`` when it exists and no path is
    /// named; empty settings when neither.
    ///
    /// - Throws: as ``load(path:)``; a named file that does not exist is refused, never skipped.
    public static func loadConfiguration(
        path: String?,
        defaultPath: String = MessagingServerSettings.defaultPath
    ) throws(MessagingServerError) -> (settings: MessagingServerSettings, path: String?) {
        if let path { return (try load(path: path), path) }
        guard FileManager.default.fileExists(atPath: defaultPath) else { return (MessagingServerSettings(), nil) }
        return (try load(path: defaultPath), defaultPath)
    }

    /// Reads the settings of a configuration file's text.
    ///
    /// - Parameters:
    ///   - toml: the file's text (TOML v1.0.0).
    ///   - source: the file's name, for the syntax error message.
    /// - Throws: ``MessagingServerError`` with ``MessagingServerError/Code/invalidConfiguration``: a syntax error
    ///   (its line and column), an unknown key, a value of the wrong type or out of range; the key is named as in
    ///   the file (`network.interfaces`, `modem.pin`, `modem[2].smsc`).
    public init(toml: String, source: String = "configuration") throws(MessagingServerError) {
        if let found = Self.rawControlCharacter(in: toml) {
            let code = Self.hex(found.scalar)
            throw .invalid(
                "\(source):\(found.line):\(found.column)",
                "TOML syntax error: control character U+\(code); only tab and line breaks may stand raw "
                    + "(TOML v1.0.0; in a string write it as \\u\(code))"
            )
        }
        if let found = Self.tableHeaderWithoutKey(in: toml) {
            throw .invalid(
                "\(source):\(found.line):\(found.column)",
                "TOML syntax error: a table header must start with a key (a name or a quoted string) after '['"
            )
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: toml)
        } catch let error as TOMLParseError {
            let position = error.source.begin
            throw .invalid(
                "\(source):\(position.line):\(position.column)",
                "TOML syntax error: \(error.description)"
            )
        } catch {
            throw .invalid(source, "TOML syntax error: \(error)")
        }
        self.init()
        let reader = TableReader(table: root, path: "", known: Self.topLevelKeys)
        try reader.checkKeys()
        if let text = try reader.string("log-level") {
            guard let level = Logger.Level(rawValue: text) else {
                throw .invalid(
                    "log-level",
                    "'\(text)' is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            logLevel = level
        }
        if let network = try reader.table("network", known: Self.networkKeys) {
            interfaces = try network.strings("interfaces")
            httpPort = try network.integer("http-port")
            ssdpPort = try network.integer("ssdp-port")
        }
        if let table = try reader.table("access", known: Self.accessKeys) {
            access = AccessRules(
                control: try table.subnets("control") ?? [],
                readOnly: try table.subnets("read-only") ?? []
            )
        }
        if let web = try reader.table("web", known: Self.webKeys) {
            webPassword = try web.string("password")
        }
        if let messages = try reader.table("messages", known: Self.messagesKeys),
            let policy = try messages.string("storage-policy")
        {
            switch policy {
            case "move": storagePolicy = .move
            case "keep": storagePolicy = .keepOnSIM
            default: throw .invalid("messages.storage-policy", "'\(policy)' is neither 'move' nor 'keep'")
            }
        }
        if let send = try reader.table("send", known: Self.sendKeys) {
            sendAttempts = try send.integer("attempts")
            firstRetryDelay = try send.integer("first-retry-delay").map { Duration.seconds($0) }
            maximumRetryDelay = try send.integer("max-retry-delay").map { Duration.seconds($0) }
            requestStatusReports = try send.boolean("status-reports")
        }
        if let table = try reader.table("hooks", known: Self.hooksKeys) {
            hooks = try Self.readHooks(table)
        }
        if let mms = try reader.table("mms", known: Self.mmsKeys) {
            mmscURL = try mms.string("mmsc-url")
            mmsProxy = try mms.string("mms-proxy")
            mmsInterface = try mms.string("mms-interface")
            mmsMaximumSize = try mms.integer("max-size")
        }
        modems = try reader.tables("modem", known: Self.modemKeys).map { entry throws(MessagingServerError) in
            Modem(
                device: try entry.string("device"),
                baudRate: try entry.integer("baud"),
                pin: try entry.string("pin"),
                serviceCentre: try entry.string("smsc"),
                ownNumber: try entry.string("own-number"),
                name: try entry.string("name"),
                database: try entry.string("database")
            )
        }
    }
}

extension MessagingServerSettings {
    /// The line, column (both from 1, in Unicode scalars) and value of the first control character TOML does not allow
    /// raw: TOML v1.0.0 permits tab and line breaks (LF, CRLF) and nothing else below U+0020, nor U+007F, anywhere
    /// in a document (comments, strings, keys and whitespace alike). Checked before the text reaches TOMLKit:
    /// toml++ asserts on some of them (a control character in a table header aborted the process, found by
    /// FuzzConfig), and a NUL would end the C string TOMLKit hands it, silently dropping the rest of the file.
    static func rawControlCharacter(in text: String) -> (line: Int, column: Int, scalar: Unicode.Scalar)? {
        var line = 1
        var column = 1
        var scalars = text.unicodeScalars.makeIterator()
        var next = scalars.next()
        while let scalar = next {
            next = scalars.next()
            switch scalar.value {
            case 0x0A:
                line += 1
                column = 0
            case 0x0D where next == "\n":
                column -= 1
            case 0x09, 0x20..<0x7F, 0x80...:
                break
            default:
                return (line, column, scalar)
            }
            column += 1
        }
        return nil
    }

    /// The line and column (from 1) of the first table header (`[` or `[[` starting a line, outside a multi-line
    /// string) whose key does not start with a bare-key character or a quote (TOML v1.0.0 "Table"). toml++ asserts
    /// on such a header (`[[:x]]`, `[[\u{1F}…`) instead of reporting it, which aborted the process (found by
    /// FuzzConfig). A line of a multi-line array starting with `[` is read as a header too: none of our keys takes
    /// nested arrays, so such a file is refused either way.
    static func tableHeaderWithoutKey(in text: String) -> (line: Int, column: Int)? {
        var multilineDelimiter: String?
        // CRLF is one Character in Swift: split on it too, or a Windows-edited file would be one long line.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, line) in lines.enumerated() {
            if let delimiter = multilineDelimiter {
                if line.contains(delimiter) { multilineDelimiter = nil }
                continue
            }
            let indent = line.prefix { $0 == " " || $0 == "\t" }
            var rest = line.dropFirst(indent.count)
            if rest.first == "[" {
                rest = rest.dropFirst(rest.hasPrefix("[[") ? 2 : 1)
                let key = rest.drop { $0 == " " || $0 == "\t" }
                let allowed = key.first.map { $0.isASCII && ($0.isLetter || $0.isNumber || "_-\"'".contains($0)) }
                if allowed != true {
                    return (index + 1, line.distance(from: line.startIndex, to: key.startIndex) + 1)
                }
            }
            for delimiter in ["\"\"\"", "'''"] where line.components(separatedBy: delimiter).count % 2 == 0 {
                multilineDelimiter = delimiter
                break
            }
        }
        return nil
    }

    /// `scalar` as four or more uppercase hexadecimal digits.
    static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension MessagingServerSettings {
    fileprivate static func readHooks(_ table: TableReader) throws(MessagingServerError) -> Hooks {
        var hooks = Hooks()
        hooks.onReceive = try table.command("on-receive")
        hooks.onSent = try table.command("on-sent")
        hooks.onFailed = try table.command("on-failed")
        hooks.timeout = try table.integer("timeout").map { Duration.seconds($0) }
        hooks.concurrency = try table.integer("concurrency")
        hooks.firstRetryDelay = try table.integer("first-retry-delay").map { Duration.seconds($0) }
        hooks.maximumRetryDelay = try table.integer("max-retry-delay").map { Duration.seconds($0) }
        hooks.giveUpAfter = try table.integer("give-up-after").map { Duration.seconds($0) }
        let webhooks = try table.tables("webhook", known: Self.webhookKeys)
        if !webhooks.isEmpty {
            hooks.webhooks = try webhooks.map { entry throws(MessagingServerError) in
                guard let url = try entry.string("url") else { throw .invalid(entry.name("url"), "missing") }
                var events = Set(MessageHookEvent.allCases)
                if let names = try entry.strings("events") {
                    events = []
                    for name in names {
                        guard let event = MessageHookEvent(rawValue: name) else {
                            throw .invalid(entry.name("events"), "'\(name)' is not one of received, sent, failed")
                        }
                        events.insert(event)
                    }
                }
                return MessagingServerConfiguration.Webhook(
                    url: url,
                    events: events,
                    secret: try entry.string("secret")
                )
            }
        }
        return hooks
    }
}

/// Typed reads of one TOML table, each naming the key's path in its error.
private struct TableReader {
    let table: TOMLTable
    /// The table's path (`network`, `modem[2]`); empty at the top level.
    let path: String
    let known: Set<String>

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Refuses a key the table does not have, naming the ones it has.
    func checkKeys() throws(MessagingServerError) {
        for key in table.keys.sorted() where !known.contains(key) {
            throw .invalid(name(key), "unknown key (known here: \(known.sorted().joined(separator: ", ")))")
        }
    }

    func value(_ key: String, _ type: TOMLType) throws(MessagingServerError) -> (any TOMLValueConvertible)? {
        guard let value = table[key] else { return nil }
        guard value.type == type else {
            throw .invalid(name(key), "expected \(Self.describe(type)), found \(Self.describe(value.type))")
        }
        return value
    }

    static func describe(_ type: TOMLType) -> String {
        switch type {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a floating-point number"
        case .bool: "true or false"
        case .date, .time, .dateTime: "a date or time"
        }
    }

    func string(_ key: String) throws(MessagingServerError) -> String? {
        try value(key, .string)?.string
    }

    func integer(_ key: String) throws(MessagingServerError) -> Int? {
        try value(key, .int)?.int
    }

    func boolean(_ key: String) throws(MessagingServerError) -> Bool? {
        try value(key, .bool)?.bool
    }

    func strings(_ key: String) throws(MessagingServerError) -> [String]? {
        guard let array = try value(key, .array)?.array else { return nil }
        var result: [String] = []
        for (index, element) in array.enumerated() {
            guard let text = element.string else {
                throw .invalid("\(name(key))[\(index + 1)]", "expected a string, found \(Self.describe(element.type))")
            }
            result.append(text)
        }
        return result
    }

    /// A program and its arguments: a string (the program alone) or a non-empty array of strings.
    func command(_ key: String) throws(MessagingServerError) -> [String]? {
        guard let value = table[key] else { return nil }
        if value.type == .string { return value.string.map { [$0] } }
        guard let command = try strings(key), !command.isEmpty else {
            throw .invalid(name(key), "expected a program path, or an array of the program and its arguments")
        }
        return command
    }

    func subnets(_ key: String) throws(MessagingServerError) -> [IPSubnet]? {
        guard let texts = try strings(key) else { return nil }
        return try texts.map { text throws(MessagingServerError) in
            guard let subnet = IPSubnet(text) else {
                throw .invalid(name(key), "'\(text)' is not an address or a subnet (192.168.1.0/24, fd00::/8)")
            }
            return subnet
        }
    }

    /// The sub-table `key`, its keys checked.
    func table(_ key: String, known: Set<String>) throws(MessagingServerError) -> TableReader? {
        guard let table = try value(key, .table)?.table else { return nil }
        let reader = TableReader(table: table, path: name(key), known: known)
        try reader.checkKeys()
        return reader
    }

    /// The array of tables `key` (`[[modem]]`), each with its keys checked; a single table (`[modem]`) counts as
    /// an array of one.
    func tables(_ key: String, known: Set<String>) throws(MessagingServerError) -> [TableReader] {
        guard let value = table[key] else { return [] }
        if value.type == .table { return [try table(key, known: known)].compactMap { $0 } }
        guard let array = value.array else {
            throw .invalid(name(key), "expected [[\(key)]] tables, found \(Self.describe(value.type))")
        }
        var readers: [TableReader] = []
        for (index, element) in array.enumerated() {
            guard let table = element.table else {
                throw .invalid(name(key), "expected [[\(key)]] tables, found \(Self.describe(element.type))")
            }
            // Entries are numbered from 1 as a person counts them; a single entry is just `modem`.
            let path = array.count == 1 ? name(key) : "\(name(key))[\(index + 1)]"
            let reader = TableReader(table: table, path: path, known: known)
            try reader.checkKeys()
            readers.append(reader)
        }
        return readers
    }
}

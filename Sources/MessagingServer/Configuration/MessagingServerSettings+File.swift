import Foundation
import Logging
import Messaging
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
        let root: TOMLTable
        do {
            root = try TOMLTable(parsing: toml)
        } catch {
            throw .invalid("\(source):\(error.line):\(error.column)", "TOML syntax error: \(error.message)")
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

    /// The key's path as the file writes it (`network.interfaces`; a key that is not bare quoted, `""` the empty one).
    func name(_ key: String) -> String {
        let written = TOMLTable.writtenKey(key)
        return path.isEmpty ? written : "\(path).\(written)"
    }

    /// Refuses a key the table does not have, naming the ones it has.
    func checkKeys() throws(MessagingServerError) {
        for key in table.keys.sorted() where !known.contains(key) {
            throw .invalid(name(key), "unknown key (known here: \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// The value of `key` if the table has it, read by `read`, or a refusal naming the type `expected`.
    func value<Value>(
        _ key: String,
        _ expected: String,
        _ read: (TOMLValue) -> Value?
    ) throws(MessagingServerError) -> Value? {
        guard let value = table[key] else { return nil }
        guard let result = read(value) else {
            throw .invalid(name(key), "expected \(expected), found \(value.kindDescription)")
        }
        return result
    }

    func string(_ key: String) throws(MessagingServerError) -> String? {
        try value(key, "a string", \.string)
    }

    func integer(_ key: String) throws(MessagingServerError) -> Int? {
        guard let number = try value(key, "an integer", \.integer) else { return nil }
        guard let integer = Int(exactly: number) else { throw .invalid(name(key), "\(number) is out of range") }
        return integer
    }

    func boolean(_ key: String) throws(MessagingServerError) -> Bool? {
        try value(key, "true or false", \.boolean)
    }

    func strings(_ key: String) throws(MessagingServerError) -> [String]? {
        guard let array = try value(key, "an array", \.array) else { return nil }
        var result: [String] = []
        for (index, element) in array.enumerated() {
            guard let text = element.string else {
                throw .invalid("\(name(key))[\(index + 1)]", "expected a string, found \(element.kindDescription)")
            }
            result.append(text)
        }
        return result
    }

    /// A program and its arguments: a string (the program alone) or a non-empty array of strings.
    func command(_ key: String) throws(MessagingServerError) -> [String]? {
        guard let value = table[key] else { return nil }
        if let program = value.string { return [program] }
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
        guard let table = try value(key, "a table", \.table) else { return nil }
        let reader = TableReader(table: table, path: name(key), known: known)
        try reader.checkKeys()
        return reader
    }

    /// The array of tables `key` (`[[modem]]`), each with its keys checked; a single table (`[modem]`) counts as
    /// an array of one.
    func tables(_ key: String, known: Set<String>) throws(MessagingServerError) -> [TableReader] {
        guard let value = table[key] else { return [] }
        if value.table != nil { return [try table(key, known: known)].compactMap { $0 } }
        guard let array = value.array else {
            throw .invalid(name(key), "expected [[\(key)]] tables, found \(value.kindDescription)")
        }
        var readers: [TableReader] = []
        for (index, element) in array.enumerated() {
            guard let table = element.table else {
                throw .invalid(name(key), "expected [[\(key)]] tables, found \(element.kindDescription)")
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

import Logging
import Messaging
import UPnP

extension MessagingServerConfiguration {
    /// The effective configuration in the configuration file's layout (`messagingd --check-config`): every key with
    /// the value in force, defaults included, so that a person sees what the file and the flags add up to. The PIN
    /// is masked. Unset optional keys are written as comments saying where the value comes from instead.
    ///
    /// - Parameters:
    ///   - logLevel: the log level in force (not part of the server's configuration: the executable bootstraps
    ///     logging).
    ///   - source: the configuration file read, or `nil`.
    public func effectiveDescription(logLevel: Logger.Level, source: String?) -> String {
        func quoted(_ text: String) -> String { TOMLTable.basicString(text) }
        func list(_ items: [String]) -> String { "[" + items.map(quoted).joined(separator: ", ") + "]" }

        var lines = ["# messagingd effective configuration (\(source.map { "file \($0)" } ?? "no file") and flags)"]
        lines.append("log-level = \(quoted(logLevel.rawValue))")
        lines.append("")
        lines.append("[network]")
        lines.append("interfaces = \(list(interfaces))")
        lines.append("http-port = \(httpPort)")
        lines.append("ssdp-port = \(ssdpPort)")
        lines.append("")
        if let access {
            lines.append("[access]")
            lines.append("control = \(list(access.control.map(\.description)))")
            lines.append("read-only = \(list(access.readOnly.map(\.description)))")
        } else {
            // No header: an empty [access] table reads back as two empty lists, which refuse every client.
            lines.append("# [access] not set: every client on the served interfaces may control the device")
        }
        lines.append("")
        lines.append("[web]")
        // The password itself is never printed: only whether one is set.
        lines.append(webPassword == nil ? "# password: not set (the page asks for none)" : "password = \"****\"")
        lines.append("")
        lines.append("[messages]")
        lines.append("storage-policy = \(quoted(messaging.mirrorPolicy == .move ? "move" : "keep"))")
        lines.append("")
        lines.append("[send]")
        lines.append("attempts = \(messaging.maximumSendAttempts)")
        lines.append("first-retry-delay = \(messaging.initialRetryDelay.components.seconds)")
        lines.append("max-retry-delay = \(messaging.maximumRetryDelay.components.seconds)")
        lines.append("status-reports = \(messaging.requestStatusReports)")
        lines.append("")
        lines.append(contentsOf: hooksDescription(quoted: quoted, list: list))
        lines.append("")
        lines.append("[mms]")
        if let mms {
            lines.append("mmsc-url = \(quoted(mms.mmscURL))")
            lines.append(mms.proxy.map { "mms-proxy = \(quoted($0.description))" } ?? "# mms-proxy: not set (direct)")
            lines.append(
                mms.interface.map { "mms-interface = \(quoted($0))" }
                    ?? "# mms-interface: not set (the routing table's)"
            )
            lines.append("max-size = \(mms.maximumSize)")
        } else {
            lines.append("# mmsc-url: not set (MMS is off)")
        }
        let modems = modemConfigurations()
        for (index, configuration) in modems.enumerated() {
            lines.append("")
            lines.append(contentsOf: configuration.modemDescription(quoted: quoted))
            if modems.count > 1 {
                lines.append(
                    configuration.httpPort == 0
                        ? "# http port: a free one" : "# http port: \(configuration.httpPort) (modem \(index + 1))"
                )
            }
        }
        return lines.joined(separator: "\n")
    }

    /// This configuration's `[[modem]]` entry (``additionalModems`` aside), the PIN masked.
    private func modemDescription(quoted: (String) -> String) -> [String] {
        var lines = ["[[modem]]"]
        lines.append("name = \(quoted(friendlyName))")
        switch modem {
        case .simulated: lines.append("# device: the in-process simulated modem (--simulate)")
        case .serial(let path): lines.append("device = \(quoted(path))")
        case .automatic: lines.append("device = \"auto\"")
        case .none: lines.append("# device: none")
        }
        if case .serial = modem { lines.append("baud = \(baudRate)") }
        // The PIN itself is never printed: only whether one is set.
        lines.append(pin == nil ? "# pin: not set (a SIM that asks for one stays locked)" : "pin = \"****\"")
        lines.append(
            messaging.serviceCentre.map { "smsc = \(quoted($0))" } ?? "# smsc: not set (the SIM's, AT+CSCA)"
        )
        lines.append(
            messaging.ownNumber.map { "own-number = \(quoted($0))" }
                ?? "# own-number: not set (the SIM's, AT+CNUM, when it has one)"
        )
        switch database {
        case .file(let path): lines.append("database = \(quoted(path))")
        case .temporaryDirectory: lines.append("# database: a new temporary directory")
        case .inMemory: lines.append("# database: in memory")
        }
        return lines
    }
}

import ArgumentParser
import Modem
import SMSCodec

/// `modemctl probe --device D`: initialises the modem and prints what it is and how it is doing.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Initialises a modem and prints its identity, storages, signal and registration."
    )

    @OptionGroup var options: ATDeviceOptions

    /// What the modem told us.
    struct Report: Sendable {
        var startup: ATModemStartup
        var identity: ModemIdentity
        var storages: [StorageStatus]
        var signal: SignalQuality?
        var network: NetworkStatus?
    }

    func run() async throws {
        let report = try await options.withModem { modem in
            guard let startup = modem.startup else { throw ModemError(.notStarted) }
            return Report(
                startup: startup,
                identity: try await modem.identity(),
                storages: try await modem.storageStatus(),
                signal: try? await modem.signalQuality(),
                network: try? await modem.networkStatus()
            )
        }
        if options.json {
            JSONOutput.write(Self.json(report, device: options.device))
        } else {
            for line in Self.text(report, device: options.device) { print(line) }
        }
    }

    static func json(_ report: Report, device: String) -> JSONValue {
        let (startup, identity) = (report.startup, report.identity)
        let storages = report.storages.map {
            JSONValue.object([
                ("storage", .string($0.storage.rawValue)), ("used", .int($0.used)), ("total", .int($0.total)),
            ])
        }
        let signal = report.signal.map {
            JSONValue.object([
                ("rssi", .int($0.rssi)), ("ber", .int($0.ber)), ("dbm", $0.dBm.map { .int($0) } ?? .null),
            ])
        }
        return .object([
            ("device", .string(device)), ("profile", .string(startup.profile.family.rawValue)),
            ("manufacturer", .string(identity.manufacturer)), ("model", .string(identity.model)),
            ("revision", .string(identity.revision)), ("imei", .string(identity.imei)),
            ("imsi", .string(identity.imsi)), ("msisdn", .string(identity.msisdn)),
            ("iccid", .string(identity.iccid)), ("storages", .array(storages)),
            ("incoming_storage", .optional(startup.incomingStorage?.rawValue)),
            ("notification_mode", .array(startup.notificationMode.map { .int($0) })),
            ("smsc", .optional(startup.serviceCenter)),
            ("signal", signal ?? .null),
            ("registration", .optional(report.network.map { "\($0.registration)" })),
            ("operator", .optional(report.network?.operatorName)),
        ])
    }

    static func text(_ report: Report, device: String) -> [String] {
        let (startup, identity) = (report.startup, report.identity)
        var lines = [
            "device:       \(device)", "profile:      \(startup.profile.family.rawValue)",
            "manufacturer: \(identity.manufacturer)", "model:        \(identity.model)",
            "revision:     \(identity.revision)",
            "IMEI:         \(identity.imei)", "IMSI:         \(identity.imsi)", "MSISDN:       \(identity.msisdn)",
            "ICCID:        \(identity.iccid)", "SMSC:         \(startup.serviceCenter ?? "-")",
            "CNMI:         \(startup.notificationMode.map(String.init).joined(separator: ","))",
        ]
        for status in report.storages {
            let incoming = status.storage == startup.incomingStorage ? " (incoming)" : ""
            lines.append("storage \(status.storage): \(status.used)/\(status.total)\(incoming)")
        }
        if let signal = report.signal {
            lines.append("signal:       rssi \(signal.rssi)\(signal.dBm.map { " (\($0) dBm)" } ?? "")")
        }
        if let network = report.network {
            lines.append("network:      \(network.registration) \(network.operatorName ?? "")")
        }
        return lines
    }
}

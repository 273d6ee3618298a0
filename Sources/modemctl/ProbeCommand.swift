import ArgumentParser
import Modem

/// `modemctl probe --device D`: initialises the modem and prints what it is and how it is doing.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Initialises a modem and prints its identity, storages, signal and registration."
    )

    @OptionGroup var options: ATDeviceOptions

    func run() async throws {
        let options = self.options
        let lines = try await options.withModem { modem in
            guard let startup = modem.startup else { throw ModemError(.notStarted) }
            let identity = try await modem.identity()
            let storages = try await modem.storageStatus()
            let signal = try? await modem.signalQuality()
            let network = try? await modem.networkStatus()
            if options.json {
                let storageJSON = storages.map {
                    ATJSON.object([("storage", ATJSON.string($0.storage.rawValue)), ("used", "\($0.used)"), ("total", "\($0.total)")])
                }
                return [
                    ATJSON.object([
                        ("device", ATJSON.string(options.device)), ("profile", ATJSON.string(startup.profile.family.rawValue)),
                        ("manufacturer", ATJSON.string(identity.manufacturer)), ("model", ATJSON.string(identity.model)),
                        ("revision", ATJSON.string(identity.revision)), ("imei", ATJSON.string(identity.imei)),
                        ("imsi", ATJSON.string(identity.imsi)), ("msisdn", ATJSON.string(identity.msisdn)),
                        ("iccid", ATJSON.string(identity.iccid)), ("storages", ATJSON.array(storageJSON)),
                        ("incoming_storage", ATJSON.optional(startup.incomingStorage?.rawValue)),
                        ("notification_mode", ATJSON.array(startup.notificationMode.map(String.init))),
                        ("smsc", ATJSON.optional(startup.serviceCenter)),
                        ("signal", signal.map { ATJSON.object([("rssi", "\($0.rssi)"), ("ber", "\($0.ber)"), ("dbm", $0.dBm.map(String.init) ?? "null")]) } ?? "null"),
                        ("registration", ATJSON.optional(network.map { "\($0.registration)" })),
                        ("operator", ATJSON.optional(network?.operatorName)),
                    ])
                ]
            }
            var lines = [
                "device:       \(options.device)", "profile:      \(startup.profile.family.rawValue)",
                "manufacturer: \(identity.manufacturer)", "model:        \(identity.model)", "revision:     \(identity.revision)",
                "IMEI:         \(identity.imei)", "IMSI:         \(identity.imsi)", "MSISDN:       \(identity.msisdn)",
                "ICCID:        \(identity.iccid)", "SMSC:         \(startup.serviceCenter ?? "-")",
                "CNMI:         \(startup.notificationMode.map(String.init).joined(separator: ","))",
            ]
            for status in storages {
                lines.append("storage \(status.storage): \(status.used)/\(status.total)\(status.storage == startup.incomingStorage ? " (incoming)" : "")")
            }
            if let signal { lines.append("signal:       rssi \(signal.rssi)\(signal.dBm.map { " (\($0) dBm)" } ?? "")") }
            if let network { lines.append("network:      \(network.registration) \(network.operatorName ?? "")") }
            return lines
        }
        for line in lines { print(line) }
    }
}

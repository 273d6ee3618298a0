import ArgumentParser
import MessagingUPnP
import UPnP

/// The options every command shares: where the device is, how long to wait, how to print.
struct DeviceOptions: ParsableArguments {
    @Option(help: "The device's description URL; skips discovery.")
    var location: String?

    @Option(help: "The network interface to search on.")
    var interface = "lo"

    @Option(name: .customLong("ssdp-port"), help: "The SSDP port to search on (1900 on a real network).")
    var ssdpPort = 1900

    @Option(help: "The device to use when several answer: its UDN or friendly name.")
    var device: String?

    @Option(name: .customLong("search-time"), help: "Seconds to wait for answers to the search (1 to 5).")
    var searchTime = 2

    @Option(help: "Seconds to wait for each answer of the device.")
    var timeout = 15

    @Flag(help: "Print one JSON object per line and result.")
    var json = false

    func validate() throws {
        if let location, HTTPURL(location) == nil {
            throw ValidationError("--location must be an http:// URL, e.g. http://192.168.1.10:49152/description.xml.")
        }
        guard (1...5).contains(searchTime) else { throw ValidationError("--search-time must be 1 to 5 seconds.") }
        guard (1...65535).contains(ssdpPort) else { throw ValidationError("--ssdp-port must be 1 to 65535.") }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be 1 to 3600 seconds.") }
    }

    var controlPoint: UPnPControlPoint {
        UPnPControlPoint(http: httpClient)
    }

    /// The HTTP client of every exchange with the device, bounded by --timeout.
    var httpClient: UPnPHTTPClient { UPnPHTTPClient(timeout: .seconds(timeout)) }

    /// Every TelephonyServer:2 answering a search on the interface, with its description (devices whose
    /// description cannot be read are skipped: they are reported on standard error).
    func discover() async throws -> [MessagingDevice] {
        let userAgent = "Linux UPnP/1.1 telcp/\(TelCP.configuration.version)"
        let searcher = SSDPSearcher(interface: interface, port: ssdpPort, userAgent: userAgent)
        let answers = try await searcher.search(
            target: MessagingServiceDescription.deviceType,
            maximumWait: searchTime
        )
        var devices: [MessagingDevice] = []
        var seen = Set<String>()
        for answer in answers where seen.insert(answer.udn).inserted {
            do {
                devices.append(try await MessagingDevice.connect(location: answer.location, controlPoint: controlPoint))
            } catch {
                printError("telcp: skipping \(answer.location): \(error)")
            }
        }
        return devices
    }

    /// The one device the command talks to: the one at --location, or the one discovery finds (chosen with
    /// --device when several answer).
    func connect() async throws -> MessagingDevice {
        if let location, let url = HTTPURL(location) {
            return try await MessagingDevice.connect(location: url, controlPoint: controlPoint)
        }
        let found = try await discover()
        let candidates =
            device.map { wanted in found.filter { $0.udn == wanted || $0.friendlyName == wanted } } ?? found
        guard let first = candidates.first else {
            let which = device.map { " named \($0)" } ?? ""
            throw TelCPFailure(
                message: "no TelephonyServer:2\(which) answered on \(interface) (SSDP port \(ssdpPort))",
                status: ExitStatus.noDevice
            )
        }
        guard candidates.count == 1 else {
            let names = candidates.map { "\($0.friendlyName) (\($0.udn))" }.joined(separator: ", ")
            throw TelCPFailure(
                message: "several devices answered: \(names); choose one with --device",
                status: ExitCode.validationFailure
            )
        }
        return first
    }
}

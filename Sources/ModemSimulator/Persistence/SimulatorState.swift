import Foundation
import Synchronization

/// The non-volatile part of a simulated network: each modem's SIM (SM), phone (ME) and status report (SR) stores,
/// keyed by subscriber number. `modemctl simulate --state FILE` keeps it across runs as JSON.
public struct SimulatorState: Codable, Sendable, Hashable {
    /// Largest state file read (a full ME store of 255 PDUs in hex is ~100 KiB per modem).
    public static let maximumFileSize = 16 * 1024 * 1024

    public struct ModemStores: Codable, Sendable, Hashable {
        public var sim: SlotStore?
        public var phone: SlotStore?
        public var statusReports: SlotStore?
    }

    public var modems: [String: ModemStores] = [:]

    public init() {}

    /// Reads a state file; a missing file is an empty state.
    /// - Throws: when the file exists but cannot be read or is not a state file.
    public static func load(from url: URL) throws -> SimulatorState {
        guard FileManager.default.fileExists(atPath: url.path) else { return SimulatorState() }
        let data = try Data(contentsOf: url)
        guard data.count <= maximumFileSize else {
            throw CocoaError(.fileReadTooLarge, userInfo: [NSFilePathErrorKey: url.path])
        }
        return try JSONDecoder().decode(SimulatorState.self, from: data)
    }

    /// Writes the state atomically (temporary file, then rename), so a crash never leaves half a file.
    public func save(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }
}

/// Set when any store changes, so that persistence writes only when needed.
final class ChangeFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    /// Returns whether it was set, and clears it.
    func take() -> Bool {
        flag.withLock { v in
            defer { v = false }
            return v
        }
    }
}

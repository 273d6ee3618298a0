import Modem
import SMSCodec
import Synchronization

/// A modem whose storage answers instantly from memory, so that the mirror's import rate is measured with the
/// modem's time excluded. Not a test double of the driver: the benchmark measures the service
/// and the store, not AT.
final class InstantModem: Modem {
    private struct State {
        var stored: [StoredMessage] = []
        var nextIndex = 0
        var nextReference: UInt8 = 0
    }

    private let state = Mutex(State())
    private let eventStream: AsyncStream<ModemEvent>
    private let eventContinuation: AsyncStream<ModemEvent>.Continuation
    static let capacity = 1_000_000

    init() {
        (eventStream, eventContinuation) = AsyncStream<ModemEvent>.makeStream(bufferingPolicy: .bufferingNewest(16))
    }

    /// Puts PDUs in SIM storage.
    func store(_ pdus: [[UInt8]]) {
        state.withLock { state in
            for pdu in pdus {
                state.nextIndex += 1
                state.stored.append(
                    StoredMessage(storage: .sim, index: state.nextIndex, status: .receivedUnread, pdu: pdu)
                )
            }
        }
    }

    func identity() async throws -> ModemIdentity {
        ModemIdentity(
            manufacturer: "bench",
            model: "instant",
            revision: "1",
            imei: "000000000000000",
            imsi: "001010000000001",
            msisdn: "+15550000001",
            iccid: "8900000000000000001"
        )
    }

    func storageStatus() async throws -> [StorageStatus] {
        let used = state.withLock { $0.stored.count }
        return [StorageStatus(storage: .sim, used: used, total: Self.capacity)]
    }

    func listMessages(in storage: MessageStorage) async throws -> [StoredMessage] {
        state.withLock { $0.stored.filter { $0.storage == storage } }
    }

    func readMessage(at index: Int, in storage: MessageStorage) async throws -> StoredMessage {
        guard let message = state.withLock({ $0.stored.first { $0.index == index && $0.storage == storage } }) else {
            throw ModemError(.messageNotFound)
        }
        return message
    }

    func deleteMessage(at index: Int, in storage: MessageStorage) async throws {
        state.withLock { $0.stored.removeAll { $0.index == index && $0.storage == storage } }
    }

    func send(_ parts: [OutgoingPDU]) async throws -> [UInt8] {
        state.withLock { state in
            parts.map { _ in
                state.nextReference &+= 1
                return state.nextReference
            }
        }
    }

    func signalQuality() async throws -> SignalQuality { SignalQuality(rssi: 20, ber: 0) }

    func networkStatus() async throws -> NetworkStatus { NetworkStatus(registration: .home, operatorName: "bench") }

    func events() -> AsyncStream<ModemEvent> { eventStream }

    func acknowledge(_ token: DeliveryToken) async throws {}

    /// An SMS-DELIVER PDU (SMSC field first) from `sender` with `text`, time-stamped `second` seconds into 2026.
    static func deliverPDU(from sender: String, text: String, second: Int) throws -> [UInt8] {
        let septets = try GSM7Alphabet.default.encode(text)
        let timestamp = try SMSTimestamp(
            year: 2026,
            month: 1 + (second / 86_400 / 28) % 12,
            day: 1 + (second / 86_400) % 28,
            hour: (second / 3600) % 24,
            minute: (second / 60) % 60,
            second: second % 60,
            timeZoneQuarterHours: 4
        )
        let deliver = SMSDeliver(
            originator: try SMSAddress(number: sender),
            dataCodingScheme: .gsm7,
            serviceCentreTimestamp: timestamp,
            userData: try UserData(header: nil, septets: septets)
        )
        return SMSPDU(serviceCentre: .emptyServiceCentre, tpdu: .deliver(deliver)).encoded()
    }
}

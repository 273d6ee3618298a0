import Foundation
import Logging
import Modem
import SMSCodec

/// What became of a message the network handed to a modem.
enum DeliveryOutcome: Hashable, Sendable {
    /// Stored (and announced per +CNMI); the network is done with it.
    case stored
    /// Routed to the client by +CMT/+CDS; the network waits for ``SimulatedNetwork/deliveryResult(_:to:accepted:)``.
    case awaitingAcknowledgement
    /// The storage is full (TS 24.011 RP-ERROR cause 22 "memory capacity exceeded"): the network keeps the message
    /// and retries once the modem reports memory available.
    case memoryFull
    /// The modem is off (unplugged) or busy with a previous unacknowledged delivery.
    case unavailable
}

/// A message the network delivers to a modem.
struct NetworkDelivery: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case deliver
        case statusReport
    }
    var id: UInt64
    var kind: Kind
    /// The PDU as the modem stores it: SMSC field first, then the TPDU.
    var pdu: [UInt8]
}

// MARK: - Mobile-terminated delivery (TS 27.005 §3.4.1 +CNMI routing)

extension SimulatedModem {
    func receive(_ delivery: NetworkDelivery) async -> DeliveryOutcome {
        // Off, rebooting, radio off, no SIM, SIM still busy after power-on, or hung: the network holds the message.
        guard transport != nil, !isBooting, settings.functionality == 1, isSIMInserted, isSIMReady, faults.hang == nil
        else {
            return .unavailable
        }
        guard pendingAcknowledgement == nil else { return .unavailable }
        let outcome: DeliveryOutcome
        switch delivery.kind {
        case .deliver: outcome = receiveDeliver(delivery)
        case .statusReport: outcome = receiveStatusReport(delivery)
        }
        await flush()
        return outcome
    }

    /// SMS-DELIVER routing by <mt> (TS 27.005 §3.4.1 table "SMS-DELIVER result code and acknowledgement summary").
    private func receiveDeliver(_ delivery: NetworkDelivery) -> DeliveryOutcome {
        let messageClass = Self.messageClass(ofDeliver: delivery.pdu)
        let mt = settings.cnmi[1]
        let direct =
            indicationsReachThisPort && settings.cnmi[0] != 0 && messageClass != 2
            && (mt == 2 || (mt == 3 && messageClass == 3))
        if direct {
            emitURC(["+CMT: ,\(Self.tpduLength(delivery.pdu))", PDUHex.encode(delivery.pdu)])
            return awaitAcknowledgement(delivery)
        }
        // Class 2 (SIM specific) goes to the SIM whatever <mem3> is (TS 23.038 §4).
        let mem = messageClass == 2 ? "SM" : settings.mem3
        guard let slot = store(delivery.pdu, status: .receivedUnread, in: mem) else {
            reportFull(mem)
            return .memoryFull
        }
        if mt != 0, indicationsReachThisPort {
            emitIndication([
                #"+CMTI: "\#(settings.mem3 == "MT" ? "MT" : slot.store)",\#(externalIndex(store: slot.store, local: slot.index, as: settings.mem3 == "MT" ? "MT" : slot.store))"#
            ])
        }
        reportFull(mem)
        return .stored
    }

    /// SMS-STATUS-REPORT routing by <ds>: 1 → +CDS, 2 → stored and +CDSI, 0 → not routed (TS 27.005 §3.4.1).
    private func receiveStatusReport(_ delivery: NetworkDelivery) -> DeliveryOutcome {
        // On the other port a routed report is stored there instead (assumed, as for +CMT).
        let ds = settings.cnmi[3]
        switch indicationsReachThisPort || ds == 0 ? ds : 2 {
        case 1 where settings.cnmi[0] != 0:
            emitURC(["+CDS: \(Self.tpduLength(delivery.pdu))", PDUHex.encode(delivery.pdu)])
            return awaitAcknowledgement(delivery)
        case 2:
            let mem = profile.statusReportStorage
            guard let slot = store(delivery.pdu, status: .receivedUnread, in: mem) else {
                reportFull(mem)
                return .memoryFull
            }
            guard indicationsReachThisPort else { return .stored }
            emitIndication([
                #"+CDSI: "\#(slot.store)",\#(externalIndex(store: slot.store, local: slot.index, as: slot.store))"#
            ])
            return .stored
        default:
            if let (reference, recipient) = SMSCodecBridge.statusReportReference(pdu: delivery.pdu) {
                unroutedStatusReports.append(UnroutedStatusReport(reference: reference, recipient: recipient))
                unroutedStatusReports.removeFirst(max(0, unroutedStatusReports.count - Self.unroutedStatusReportLimit))
            }
            return .stored
        }
    }

    /// False while `AT^PORTSEL` sends SMS indications to the stick's other port
    /// (``SimulatorProfile/indicationPortSelection``): messages are then stored and announced where nobody listens.
    var indicationsReachThisPort: Bool {
        guard let selection = profile.indicationPortSelection else { return true }
        return settings.portSelection == selection
    }

    /// With +CSMS=1 the client must acknowledge +CMT/+CDS with +CNMA (TS 27.005 §3.4.4); without it the modem
    /// acknowledges on its own. When the acknowledgement does not come in time, the modem turns routing off
    /// (<mt>=<ds>=0, TS 27.005 §3.4.1) and the network retries later, so the message is stored then.
    private func awaitAcknowledgement(_ delivery: NetworkDelivery) -> DeliveryOutcome {
        guard settings.csms == 1 else { return .stored }
        let timeout = acknowledgementTimeout
        let clock = self.clock
        // A timer outside the session's task group: it belongs to this one delivery and is cancelled by +CNMA.
        let timer = Task { [weak self] in
            do {
                try await clock.sleep(for: timeout)
            } catch {
                return
            }
            await self?.acknowledgementTimedOut(delivery.id)
        }
        pendingAcknowledgement = PendingAcknowledgement(deliveryID: delivery.id, timer: timer)
        return .awaitingAcknowledgement
    }

    func acknowledgementTimedOut(_ id: UInt64) async {
        guard let pending = pendingAcknowledgement, pending.deliveryID == id else { return }
        pendingAcknowledgement = nil
        settings.cnmi[1] = 0
        settings.cnmi[3] = 0
        logger.debug("simulated modem: +CNMA did not come, routing switched off")
        await network?.deliveryResult(id, to: number, accepted: false)
    }

    /// The TP-DCS message class of a stored SMS-DELIVER (TS 23.038 §4), nil when it has none.
    static func messageClass(ofDeliver pdu: [UInt8]) -> Int? {
        guard let smscLength = pdu.first else { return nil }
        let t = Int(smscLength) + 1
        guard pdu.count > t + 2 else { return nil }
        let addressDigits = Int(pdu[t + 1])
        let dcsIndex = t + 1 + 2 + (addressDigits + 1) / 2 + 1
        guard dcsIndex < pdu.count else { return nil }
        let dcs = pdu[dcsIndex]
        switch dcs >> 4 {
        case 0x1, 0x3, 0x5, 0x7, 0xF: return Int(dcs & 0x03)
        default: return nil
        }
    }
}

// MARK: - Test and control API

extension SimulatedModem {
    /// The messages in one storage, as the modem holds them (SM, ME, SR).
    public func storedMessages(in storage: MessageStorage) -> [StoredMessage] {
        (storages[storage.rawValue]?.entries ?? []).map {
            StoredMessage(
                storage: storage,
                index: $0.index - 1 + profile.indexBase,
                status: $0.entry.status,
                pdu: $0.entry.pdu
            )
        }
    }

    /// Puts a PDU (SMSC field first) straight into a storage, as if it had been there all along.
    /// - Returns: the index the client sees, nil when the storage is full or unknown.
    @discardableResult
    public func preload(_ pdu: [UInt8], status: StoredMessageStatus, in storage: MessageStorage) -> Int? {
        guard let slot = store(pdu, status: status, in: storage.rawValue) else { return nil }
        return externalIndex(store: slot.store, local: slot.index, as: slot.store)
    }

    /// Sends the profile's storage-full indications for `storage` now if it is full (and not yet announced).
    public func announceFullStorage(_ storage: MessageStorage) async {
        reportFull(storage.rawValue)
        await flush()
    }

    /// Fills every free slot of a storage with copies of `pdu` (to test full-storage behaviour).
    public func fill(_ storage: MessageStorage, with pdu: [UInt8]) {
        while storages[storage.rawValue]?.isFull == false {
            _ = storages[storage.rawValue]?.store(pdu, status: .receivedRead)
        }
        dirty()
    }

    /// Requires a PIN at the next power-on / now (SIM PIN state), or removes the requirement with nil.
    public func setSIMPIN(_ pin: String?) {
        simPIN = pin
        settings.pinUnlocked = pin == nil
        pinAttemptsLeft = 3
    }

    /// The PIN (or PUK) attempts the SIM has left before it blocks (TS 27.007 §8.3: a wrong PIN answers
    /// +CME ERROR: 16, the last one +CME ERROR: 12 and the SIM then asks for its PUK).
    public var simPINAttemptsLeft: Int { pinAttemptsLeft }

    /// How many times a PIN or PUK was entered with AT+CPIN=… while the SIM asked for one, across reboots.
    public var simPINEntries: Int { pinEntries }

    /// Status reports received while <ds> was 0 and so given to no client (TS 27.005 §3.4.1), across reboots.
    public var statusReportsRoutedNowhere: [UnroutedStatusReport] { unroutedStatusReports }

    /// Inserts or removes the SIM (+CPIN? → +CME ERROR 10 without one).
    public func setSIMInserted(_ inserted: Bool) { isSIMInserted = inserted }

    /// Sets the signal (+CSQ <rssi>, 0…31 or 99).
    public func setSignal(rssi: Int) { self.rssi = rssi }

    /// Sets the registration state, announcing it with +CREG/+CEREG when the client enabled that (TS 27.007 §7.2).
    public func setRegistration(_ state: RegistrationState) async {
        registration = state
        announceRegistration()
        await flush()
        if state == .home || state == .roaming { await network?.modemBecameAvailable(number) }
    }

    /// Queues the +CREG/+CEREG URCs of the current registration where the client enabled them (TS 27.007 §7.2).
    func announceRegistration() {
        if settings.cregN > 0 { emitURC([registrationLine("+CREG", n: settings.cregN, unsolicited: true)]) }
        if profile.supportsCEREG, settings.ceregN > 0 {
            emitURC([registrationLine("+CEREG", n: settings.ceregN, unsolicited: true)])
        }
    }

    /// Sets the baud rate used for throttling (nil: none).
    public func setBaudRate(_ baud: Int?) { baudRate = baud }

    /// Sets the +CNMA timeout.
    public func setAcknowledgementTimeout(_ timeout: Duration) { acknowledgementTimeout = timeout }

    /// Sets the noise URC interval (nil: no noise). Takes effect at the next ``serve(_:)``.
    public func setNoiseInterval(_ interval: Duration?) { noiseInterval = interval }

    /// True during the SIM-busy window after power-on (``SimulatorProfile/simBusyDuration``).
    public var isSIMBusy: Bool { !isSIMReady }

    /// The current <mt>/<ds> routing, for tests (`[mode, mt, bm, ds, bfr]`).
    public var indicationSettings: [Int] { settings.cnmi }

    /// Emits arbitrary lines as an unsolicited result code (e.g. a vendor URC no table knows).
    public func emitUnsolicited(_ lines: [String]) async {
        emitURC(lines)
        await flush()
    }
}

/// A status report a modem received but routed to no client (its <ds> was 0, TS 27.005 §3.4.1).
public struct UnroutedStatusReport: Hashable, Sendable {
    /// TP-MR of the SMS-SUBMIT it reports on.
    public var reference: Int
    /// TP-RA: the recipient of that SMS-SUBMIT.
    public var recipient: String
}

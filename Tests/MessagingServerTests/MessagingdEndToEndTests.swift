import Foundation
import MessageStore
import TestSupport
import Testing

/// What real sticks do, against the simulator on a pty, through `messagingd` as a subprocess: each test drives one
/// quirk, waits for what the daemon does about it, stops the daemon cleanly and reads the database back. Nothing is
/// lost, nothing is stored or sent twice, and the daemon is up throughout.
@Suite struct MessagingdEndToEndTests {
    /// Texts `inbound` to the modem and sends `outbound` through the daemon (to the echo), then waits until every
    /// inbound text and every echo is in Received.
    static func exchange(_ rig: MessagingdRig, inbound: [String], outbound: [String]) async throws {
        for text in inbound { try await rig.inject(text) }
        for text in outbound { try await rig.send(text) }
        let expected = Set(inbound + outbound.map { "echo: " + $0 })
        try await eventually("received \(expected.sorted())", timeout: .seconds(60)) {
            expected.isSubset(of: Set(try await rig.texts(.received)))
        }
    }

    /// Stops the daemon (exit 0) and checks that Received holds `received` and Sent holds `sent`, each exactly once.
    static func finish(_ rig: MessagingdRig, received: [String], sent: [String]) async throws {
        let daemon = try rig.running
        #expect(!daemon.hasExited, "messagingd exited: \(daemon.stderr)")
        #expect(try await rig.stopDaemon() == 0)
        #expect(try await rig.texts(.received).sorted() == received.sorted())
        #expect(try await rig.texts(.sent).sorted() == sent.sorted())
        #expect(try await rig.texts(.outgoing).isEmpty)
    }

    @Test func aSIMBusyAtPowerOnIsWaitedOut() async throws {
        let rig = try await MessagingdRig(
            "sim-busy",
            simulator: ["--profile", "quectel-ec25", "--sim-busy-seconds", "3"]
        )
        defer { rig.close() }
        // Busy from the simulator's start (how much of the window the daemon meets depends on the machine's load).
        try await rig.inject("while the SIM was busy")
        try await rig.startDaemon()
        try await rig.waitForLog("modem ready")
        #expect(try await rig.simulatorStatus()["simBusy"] as? Bool == false)
        #expect(try await rig.modemState() == "ready")
        // A restart makes the SIM busy again, announced by RDY: the daemon starts again at once and meets it.
        try await rig.control("reboot")
        try await rig.inject("while the SIM was busy again")
        try await rig.waitForLog("modem ready", count: 2)
        #expect(try await rig.simulatorStatus()["simBusy"] as? Bool == false)
        try await Self.exchange(rig, inbound: ["after"], outbound: ["out"])
        try await Self.finish(
            rig,
            received: ["while the SIM was busy", "while the SIM was busy again", "after", "echo: out"],
            sent: ["out"]
        )
    }

    @Test func aRadioOffAtPowerOnIsSwitchedOn() async throws {
        let rig = try await MessagingdRig("radio-off", simulator: ["--profile", "huawei-e173", "--radio-off"])
        defer { rig.close() }
        // Held by the network: the radio is off.
        try await rig.inject("held while the radio was off")
        #expect(try await rig.simulatorStatus()["queued"] as? Int == 1)
        try await rig.startDaemon()
        try await rig.waitForLog("modem ready")
        try await Self.exchange(rig, inbound: [], outbound: ["radio on"])
        try await eventually("the held message delivered") {
            try await rig.texts(.received).contains("held while the radio was off")
        }
        try await Self.finish(rig, received: ["held while the radio was off", "echo: radio on"], sent: ["radio on"])
    }

    @Test func aStorageThatRefusesSelectionIsLeftOut() async throws {
        let rig = try await MessagingdRig(
            "refused-storage",
            simulator: ["--profile", "huawei-e173", "--refuse-storage", "SR"]
        )
        defer { rig.close() }
        try await rig.startDaemon()
        try await rig.waitForLog("modem ready")
        try await Self.exchange(rig, inbound: ["one", "two"], outbound: ["three"])
        try await Self.finish(rig, received: ["one", "two", "echo: three"], sent: ["three"])
    }

    @Test func aReplugUnderANewTTYNameWithMessagesHeldMeanwhile() async throws {
        let rig = try await MessagingdRig("replug", simulator: ["--profile", "huawei-e3372"])
        defer { rig.close() }
        let daemon = try await rig.startDaemon()
        try await rig.waitForLog("modem ready")
        try await Self.exchange(rig, inbound: ["before"], outbound: [])
        let firstTTY = try #require(rig.simulator.start.first?["tty"] as? String)

        try await rig.control("unplug")
        try await rig.waitForLog("waitingForDevice")
        // Away: the network holds what arrives, the daemon still serves and queues a send in Outgoing.
        try await rig.inject("while away")
        try await rig.send("queued while away")
        #expect(try await rig.texts(.outgoing) == ["queued while away"])
        #expect(try await rig.simulatorStatus()["queued"] as? Int == 1)
        #expect(try await rig.modemState() == "waitingForDevice")

        let plugged = try await rig.control("plug")
        #expect(plugged["tty"] as? String != firstTTY)
        try await rig.waitForLog("modem ready", count: 2)
        try await eventually("the held message and the echo of the queued send", timeout: .seconds(60)) {
            Set(try await rig.texts(.received)).isSuperset(of: ["while away", "echo: queued while away"])
        }
        #expect(!daemon.hasExited)
        try await Self.finish(
            rig,
            received: ["before", "while away", "echo: queued while away"],
            sent: ["queued while away"]
        )
    }

    /// A stick that restarts by itself (power glitch, firmware watchdog) loses its settings (+CNMI among them): after
    /// it, a new message is still announced and imported at once, not at the next periodic pass.
    @Test(arguments: ["huawei-e3372", "huawei-e173", "quectel-ec25"])
    func aModemRebootIsFollowedByAFreshStartUp(profile: String) async throws {
        let rig = try await MessagingdRig("reboot-\(profile)", simulator: ["--profile", profile])
        defer { rig.close() }
        try await rig.startDaemon()
        try await rig.waitForLog("modem ready")
        try await Self.exchange(rig, inbound: ["before the reboot"], outbound: [])

        try await rig.control("reboot")
        try await rig.inject("after the reboot")
        // Shorter than the periodic mirror pass (60 s): only an indication (+CMTI) brings it in time.
        let daemon = try rig.running
        try await eventually("the message after the reboot; the daemon's log:\n\(daemon.stderr)", timeout: .seconds(40))
        {
            try await rig.texts(.received).contains("after the reboot")
        }
        try await Self.exchange(rig, inbound: [], outbound: ["sent after the reboot"])
        try await Self.finish(
            rig,
            received: ["before the reboot", "after the reboot", "echo: sent after the reboot"],
            sent: ["sent after the reboot"]
        )
    }

    @Test func aHungModemIsResetAndNothingIsLost() async throws {
        let rig = try await MessagingdRig("hung", simulator: ["--profile", "quectel-ec25"])
        defer { rig.close() }
        try await rig.startDaemon()
        try await rig.waitForLog("modem ready")
        try await Self.exchange(rig, inbound: ["before the hang"], outbound: [])

        // Hung in its SMS service (`AT` still answers): the network holds the next message (nothing acknowledges
        // it), so only an SMS command finds the hang. The send does, at once: its AT+CMGS gets no `> ` prompt within
        // 10 s, and the supervisor takes that timeout as a hang (the mirror's next periodic pass would too, within
        // two minutes: a minute's wait and a minute's listing deadline). The send waits in Outgoing through the
        // recovery and goes once.
        try await rig.control("hang", ["mode": "sms"])
        try await rig.inject("during the hang")
        try await rig.send("sent during the hang")
        try await rig.waitForLog("modem.state=recovering", timeout: .seconds(60))
        // The recovery takes the line from the mirror and the outbox (their commands fail as aborted), so it waits
        // out no command's deadline: resync, reopen, reset, start-up.
        try await rig.waitForLog("modem ready", count: 2, timeout: .seconds(120))
        #expect(try await rig.simulatorStatus()["hung"] is NSNull)
        // The bound covers a held message that only the next mirror pass (within a minute) brings in; the send is
        // due again as soon as the modem is back (the outbox makes sends that waited for it due at its start).
        try await eventually("the message that came during the hang", timeout: .seconds(60)) {
            Set(try await rig.texts(.received)).isSuperset(of: ["during the hang", "echo: sent during the hang"])
        }
        try await Self.finish(
            rig,
            received: ["before the hang", "during the hang", "echo: sent during the hang"],
            sent: ["sent during the hang"]
        )
    }

    /// TS 27.007 §8.3: a wrong PIN answers +CME ERROR: 16 and uses up one of three attempts; the daemon sends it once
    /// and never again: not after the modem restarts, not after the daemon restarts. It keeps serving meanwhile.
    @Test func aRejectedPINIsNeverSentAgain() async throws {
        let rig = try await MessagingdRig("pin", simulator: ["--profile", "quectel-ec25", "--sim-pin", "1234"])
        defer { rig.close() }
        try await rig.startDaemon(pin: "0000")
        try await rig.waitForLog("modem.state=pinRejected")
        var status = try await rig.simulatorStatus()
        #expect(status["pinEntries"] as? Int == 1)
        #expect(status["pinAttemptsLeft"] as? Int == 2)
        // Still serving: health tells why, and a send is queued in Outgoing.
        let modem = try await rig.modemHealth()
        #expect(modem["state"] as? String == "pinRejected")
        let supervision = modem["supervision"] as? [String: Any]
        #expect(supervision?["sim"] as? String == "pinRejected")
        try await rig.send("queued behind a locked SIM")
        #expect(try await rig.texts(.outgoing) == ["queued behind a locked SIM"])

        // The modem restarts (RDY): the start-up runs again and finds the SIM still locked.
        try await rig.control("reboot")
        try await rig.waitForLog("modem.state=pinRejected", count: 2)
        status = try await rig.simulatorStatus()
        #expect(status["pinEntries"] as? Int == 1)

        // The daemon restarts: the refused PIN is remembered beside the database.
        #expect(try await rig.stopDaemon() == 0)
        try await rig.startDaemon(pin: "0000")
        try await rig.waitForLog("modem.state=pinRejected")
        status = try await rig.simulatorStatus()
        #expect(status["pinEntries"] as? Int == 1)
        #expect(status["pinAttemptsLeft"] as? Int == 2)
        #expect(try await rig.modemState() == "pinRejected")
        let daemon = try rig.running
        #expect(!daemon.hasExited)
        #expect(try await rig.stopDaemon() == 0)
        #expect(try await rig.texts(.outgoing) == ["queued behind a locked SIM"])
        #expect(try await rig.texts(.sent).isEmpty)
    }
}

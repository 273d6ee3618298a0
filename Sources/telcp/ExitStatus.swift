import ArgumentParser
import Foundation
import UPnP

/// The exit statuses of `telcp` (documented in its `--help` and in the README).
enum ExitStatus {
    /// The device answered with a UPnP fault.
    static let fault = ExitCode(1)
    /// `send --wait`: the message failed for good.
    static let sendFailed = ExitCode(2)
    /// No device was found (discovery found none, or none matches --device).
    static let noDevice = ExitCode(3)
    /// No answer in time.
    static let timeout = ExitCode(4)
    /// No connection, or an answer the protocol does not allow.
    static let network = ExitCode(5)
    /// `read --save`: an attachment could not be written.
    static let file = ExitCode(6)
}

/// A failure `telcp` reports on one line of standard error before it exits with `status`.
struct TelCPFailure: Error {
    var message: String
    var status: ExitCode
}

/// Runs a command's work; reports a fault, a client error or a ``TelCPFailure`` on standard error and turns it into
/// the documented exit status.
func reportingFailures(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let fault as UPnPActionError {
        printError("telcp: UPnP fault \(fault.code) \(fault.description): \(FaultMeaning.of(fault.code))")
        throw ExitStatus.fault
    } catch let error as UPnPClientError {
        printError("telcp: \(error)")
        throw error.code == .timeout ? ExitStatus.timeout : ExitStatus.network
    } catch let failure as TelCPFailure {
        printError("telcp: \(failure.message)")
        throw failure.status
    }
}

/// Writes a line on standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// What a fault code means (UDA 1.1 Table 3-3; Messaging:2 Table 46), for a user who gets a bare number.
enum FaultMeaning {
    static func of(_ code: Int) -> String {
        switch code {
        case 401: "the device has no such action"
        case 402: "the arguments are not what the action takes"
        case 501: "the action failed on the device"
        case 600: "an argument value is invalid"
        case 601: "an argument value is out of range"
        case 602: "the device does not implement this optional action"
        case 603: "the device is out of memory"
        case 604: "human intervention is required"
        case 605: "a string argument is too long"
        case 606: "this host may not use this action (access policy)"
        case 701: "no message has this ID"
        case 702: "the message class is not supported"
        case 703: "the message is not valid (recipients, text or class)"
        case 704: "the recipients are not valid"
        case 705: "the message status is not valid"
        case 706: "no session has this ID"
        case 707: "the folder is not valid"
        case 708: "the session is not in a state that allows this"
        case 709: "no file transfer to cancel"
        case 710: "the session class is not supported"
        case 711: "the session status is not valid"
        case 714: "the device has no telephone identity yet"
        case 700...799: "a Messaging:2 error"
        case 800...899: "a vendor-defined error"
        default: "an error the standard does not name"
        }
    }
}

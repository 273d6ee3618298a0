import Foundation
import Synchronization

/// Remembers the PIN the SIM refused (or whose answer never came), so that the driver never sends it again by
/// itself: three wrong PINs block the SIM (TS 31.102 §4.4.3 / TS 102 221 §9), and a daemon that restarts in a loop
/// would use them up.
///
/// With a file the memory outlives the process (put it beside the database or in the state directory). The file
/// holds a random salt and the SHA-256 of salt and PIN (FIPS 180-4), never the PIN: that keeps the PIN out of
/// backups and casual reads. It is no secrecy against someone who can read the file: a 4–8 digit PIN is found from
/// its hash by trying them all.
public final class RejectedPINMemory: Sendable {
    private struct Record: Equatable {
        var salt: [UInt8]
        var digest: [UInt8]
    }

    /// The file, nil when the memory lives in the process only.
    public let path: String?
    private let record: Mutex<Record?>

    /// - Parameter path: the file to keep the record in (read now, written on change); nil keeps it in memory.
    public init(path: String?) {
        self.path = path
        var loaded: Record?
        if let path, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let fields = text.split(whereSeparator: \.isWhitespace)
            if fields.count == 2, let salt = Self.bytes(hex: fields[0]), let digest = Self.bytes(hex: fields[1]),
                digest.count == 32
            {
                loaded = Record(salt: salt, digest: digest)
            }
        }
        record = Mutex(loaded)
    }

    /// True when `pin` is the PIN remembered as refused.
    public func isRejected(_ pin: String) -> Bool {
        record.withLock { record in
            guard let record else { return false }
            return SHA256.hash(record.salt + Array(pin.utf8)) == record.digest
        }
    }

    /// True when any PIN is remembered as refused.
    public var hasRejectedPIN: Bool { record.withLock { $0 != nil } }

    /// Remembers `pin` as refused (replacing an earlier one).
    /// - Throws: when the file cannot be written; the memory still holds it for this process.
    public func remember(rejected pin: String) throws {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = UInt8.random(in: 0...255, using: &generator) }
        let new = Record(salt: salt, digest: SHA256.hash(salt + Array(pin.utf8)))
        record.withLock { $0 = new }
        guard let path else { return }
        let text = Self.hex(new.salt) + " " + Self.hex(new.digest) + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Forgets the refused PIN (the SIM was unlocked).
    public func forget() {
        let had = record.withLock { record -> Bool in
            defer { record = nil }
            return record != nil
        }
        if had, let path { try? FileManager.default.removeItem(atPath: path) }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func bytes(hex: Substring) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2), digits.count <= 128 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
            index += 2
        }
        return bytes
    }
}

/// SHA-256 (FIPS 180-4 §6.2), for ``RejectedPINMemory`` only: the Modem target has no crypto dependency and needs
/// one small digest.
package enum SHA256 {
    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    package static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
        ]
        // §5.1.1: a 1 bit, zeros to 56 mod 64, then the length in bits as a 64-bit big-endian number.
        var padded = message
        padded.append(0x80)
        while padded.count % 64 != 56 { padded.append(0) }
        let bits = UInt64(message.count) &* 8
        for shift in stride(from: 56, through: 0, by: -8) { padded.append(UInt8(truncatingIfNeeded: bits >> shift)) }

        var w = [UInt32](repeating: 0, count: 64)
        for block in stride(from: 0, to: padded.count, by: 64) {
            for t in 0..<16 {
                let i = block + 4 * t
                w[t] =
                    UInt32(padded[i]) << 24 | UInt32(padded[i + 1]) << 16 | UInt32(padded[i + 2]) << 8
                    | UInt32(padded[i + 3])
            }
            for t in 16..<64 {
                let s0 = rotate(w[t - 15], 7) ^ rotate(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotate(w[t - 2], 17) ^ rotate(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for t in 0..<64 {
                let sum1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
                let choice = (e & f) ^ (~e & g)
                let t1 = hh &+ sum1 &+ choice &+ k[t] &+ w[t]
                let sum0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                let t2 = sum0 &+ majority
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            h[0] = h[0] &+ a
            h[1] = h[1] &+ b
            h[2] = h[2] &+ c
            h[3] = h[3] &+ d
            h[4] = h[4] &+ e
            h[5] = h[5] &+ f
            h[6] = h[6] &+ g
            h[7] = h[7] &+ hh
        }
        return h.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) } }
    }

    private static func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
        value >> count | value << (32 - count)
    }
}

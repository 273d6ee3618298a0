/// The `<fun>` of AT+CFUN (TS 27.007 §8.2): how much of the phone is powered. An open set (5…127 are the
/// manufacturer's), so a `RawRepresentable` struct with named statics rather than an enum (STYLE.md §2).
public struct PhoneFunctionality: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// 0: minimum functionality (least power drawn).
    public static let minimum = PhoneFunctionality(rawValue: 0)
    /// 1: full functionality: the only level at which the modem registers and sends.
    public static let full = PhoneFunctionality(rawValue: 1)
    /// 2: transmit RF circuits off.
    public static let transmitOff = PhoneFunctionality(rawValue: 2)
    /// 3: receive RF circuits off.
    public static let receiveOff = PhoneFunctionality(rawValue: 3)
    /// 4: transmit and receive RF circuits off ("flight mode", "radio off").
    public static let radioOff = PhoneFunctionality(rawValue: 4)

    public var description: String { "\(rawValue)" }
}

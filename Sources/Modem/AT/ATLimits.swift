/// Bounds on everything the AT driver reads from the wire (STYLE.md §3: every wire length has a named bound).
package enum ATLimits {
    /// Longest line the framer keeps. The longest legitimate line is a PDU in hex: 1 + 10 octets of SMSC field plus
    /// at most 176 TPDU octets (TS 23.040 §9.2.2.2: 164 header octets worst case + 140 user data octets, far
    /// less in practice) is under 400 hex digits; +CLAC and +COPS=? lines are longer, so allow some slack.
    package static let maximumLineLength = 4096

    /// Information lines one response may carry before the command fails (a full ME store listed with +CMGL is
    /// two lines per message; 1000 messages is far beyond any modem's store).
    package static let maximumResponseLines = 4096

    /// Commands waiting for their turn while one is in flight.
    package static let maximumQueuedCommands = 64

    /// Typed URCs buffered per subscriber before the oldest are dropped.
    package static let eventBufferSize = 256

    /// Octets in one PDU (SMSC field ≤ 12 octets + TPDU ≤ 176 octets, TS 23.040 §9.2.2).
    package static let maximumPDULength = 200

    /// Longest AT command line the driver sends (TS 27.007 §4.1 requires at least 80 characters).
    package static let maximumCommandLength = 1024
}

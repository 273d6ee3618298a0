/// Where and how the daemon reaches the operator's MMSC (the `[mms]` section and its flags).
///
/// The data connection itself belongs to the OS (NetworkManager/ModemManager bearer, or the stick's own NCM/ECM or
/// HiLink interface); these settings only say which URL, which proxy and which local interface to use.
public struct MMSConfiguration: Hashable, Sendable {
    /// An HTTP proxy as `host:port`.
    public struct Proxy: Hashable, Sendable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parses `host:port` (`[v6]:port` for an IPv6 address).
        /// - Returns: nil when the port is missing or not 1…65535.
        public init?(parsing text: String) {
            let hostPart: Substring
            let portPart: Substring
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                    return nil
                }
                hostPart = text[text.index(after: text.startIndex)..<close]
                portPart = text[text.index(close, offsetBy: 2)...]
            } else {
                guard let colon = text.lastIndex(of: ":") else { return nil }
                hostPart = text[..<colon]
                portPart = text[text.index(after: colon)...]
            }
            guard !hostPart.isEmpty, !hostPart.contains(where: \.isWhitespace), let port = Int(portPart),
                (1...65535).contains(port)
            else { return nil }
            self.init(host: String(hostPart), port: port)
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// 300 KB: the message size of the richest content classes of OMA-MMS-CONF v1.2 (Video Rich and Content Rich,
    /// 300 KB; Image Rich 100 KB) and the default of Android's MMS client (AOSP `MmsConfig` "maxMessageSize",
    /// 300 * 1024), which operators' carrier configurations override only for larger limits.
    public static let defaultMaximumSize = 300 * 1024
    /// Deadline of one exchange with the MMSC (connection, request and the whole body): a cellular bearer is slow,
    /// and 300 KB at 64 kbit/s takes about 40 s.
    public static let defaultTimeout: Duration = .seconds(60)

    /// The MMSC's URL for POSTs (m-send-req, m-notifyresp-ind, m-acknowledge-ind), e.g. `http://mms.example/mms`.
    public var mmscURL: String
    /// The operator's WAP/HTTP proxy, nil to go direct.
    public var proxy: Proxy?
    /// The network interface to bind to (the one of the operator's MMS APN, e.g. `wwan0`), nil for the system's
    /// choice.
    public var interface: String?
    /// The largest message, in octets, sent or fetched.
    public var maximumSize: Int
    /// Deadline of one exchange.
    public var timeout: Duration

    public init(
        mmscURL: String,
        proxy: Proxy? = nil,
        interface: String? = nil,
        maximumSize: Int = MMSConfiguration.defaultMaximumSize,
        timeout: Duration = MMSConfiguration.defaultTimeout
    ) {
        self.mmscURL = mmscURL
        self.proxy = proxy
        self.interface = interface
        self.maximumSize = maximumSize
        self.timeout = timeout
    }
}

/// Addresses in MMS headers (OMA-TS-MMS_ENC §8, "Address field"): a phone number travels as `<number>/TYPE=PLMN`,
/// an e-mail address as itself.
enum MMSAddress {
    /// The peer of an MMS address: the number normalised (the `/TYPE=…` suffix removed), or the text as given.
    static func peer(_ address: String) -> String {
        let trimmed = address.trimmingCharactersInSpaces()
        guard let slash = trimmed.firstIndex(of: "/"),
            trimmed[slash...].uppercased().hasPrefix("/TYPE=")
        else { return PeerAddress.normalize(trimmed) }
        return PeerAddress.normalize(String(trimmed[..<slash]))
    }

    /// The MMS form of a number a message is sent to (§8: `/TYPE=PLMN` for a phone number).
    static func address(forNumber number: String) -> String {
        PeerAddress.normalize(number) + "/TYPE=PLMN"
    }
}

extension String {
    fileprivate func trimmingCharactersInSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars = scalars.dropFirst() }
        while scalars.last == " " { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

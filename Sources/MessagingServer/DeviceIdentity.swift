import Foundation
import UPnP

/// The UDN and BOOTID.UPNP.ORG that must persist across restarts (UDA 1.1 §1.1.4, §1.2.2), kept in a small JSON
/// file beside the database: the UDN is made once, the boot ID increases on every start.
struct DeviceIdentity: Codable {
    var udn: String
    var bootID: UInt32

    /// The description's `serialNumber`: the UUID of the UDN as 32 upper-case hex digits. It is as stable as the
    /// UDN (made once, kept beside the database) and says nothing the UDN does not already say on the LAN. The
    /// modem's IMEI would also be stable, but it identifies the subscriber's hardware to anyone who reads the
    /// description (which needs no authorisation), follows the dongle rather than the device, and is only known
    /// once the modem has answered, after the description is built.
    var serialNumber: String {
        String(udn.dropFirst("uuid:".count).filter { $0 != "-" }).uppercased()
    }

    /// A fresh identity that is not kept (the database is in memory): a new UDN, boot ID 1.
    static func ephemeral() -> DeviceIdentity {
        DeviceIdentity(udn: UPnPDeviceConfiguration.makeUDN(), bootID: 1)
    }

    /// Reads `<database>.device.json` (creating it), increments the boot ID, and writes it back before returning.
    static func loadAndAdvance(next databasePath: String) throws -> DeviceIdentity {
        let url = URL(fileURLWithPath: databasePath + ".device.json")
        var identity = DeviceIdentity(udn: UPnPDeviceConfiguration.makeUDN(), bootID: 0)
        if let data = try? Data(contentsOf: url), data.count < 4096,
            let stored = try? JSONDecoder().decode(DeviceIdentity.self, from: data), stored.udn.hasPrefix("uuid:")
        {
            identity = stored
        }
        // BOOTID is 0…2^31-1 (UDA 1.1 §1.2.2); wrap rather than overflow.
        identity.bootID = identity.bootID >= 0x7FFF_FFFF ? 1 : identity.bootID + 1
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try JSONEncoder().encode(identity).write(to: url, options: .atomic)
        return identity
    }
}

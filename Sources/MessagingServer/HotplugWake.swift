import Logging
import Modem
import ModemDiscovery
import ServiceLifecycle

/// Wakes the modem's supervisor on every udev add or remove of a tty or USB device, so that with
/// ``MessagingServerConfiguration/Modem/automatic`` a stick is opened as soon as udev has set it up, not at the end
/// of the supervisor's back-off (up to 30 s). Without a udev monitor (no udevd, no AF_NETLINK) the supervisor still
/// looks on its timer; that is logged once, and the daemon runs on.
struct HotplugWake: Service {
    let supervisor: ModemSupervisorService
    let logger: Logger

    func run() async throws {
        let events: AsyncStream<DeviceEvent>
        do {
            events = try UdevMonitor.events()
        } catch {
            logger.warning(
                "no udev monitor: the modem is looked for on a timer only",
                metadata: ["error": "\(error)"]
            )
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            for await event in events {
                logger.debug(
                    "device event",
                    metadata: ["udev.action": "\(event.action.rawValue)", "udev.syspath": "\(event.syspath)"]
                )
                supervisor.deviceMayHaveChanged()
            }
        }
        // A service that returns ends the whole group: stay until the daemon shuts down.
        try? await gracefulShutdown()
    }
}

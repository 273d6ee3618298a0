import CUdev
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A device that came or went, as udev announced it.
public struct DeviceEvent: Hashable, Sendable {
    public enum Action: String, Hashable, Sendable {
        case add, remove, change, bind, unbind, move, other
    }

    public var action: Action
    /// `tty` or `usb`.
    public var subsystem: String
    public var syspath: String
    /// The device node (`/dev/ttyUSB2`), when it has one.
    public var devnode: String?
    /// The USB identity, for a `usb_device` (on `remove` udev still sends it in the event's properties).
    public var id: USBID?

    public init(action: Action, subsystem: String, syspath: String, devnode: String? = nil, id: USBID? = nil) {
        self.action = action
        self.subsystem = subsystem
        self.syspath = syspath
        self.devnode = devnode
        self.id = id
    }
}

/// Follows plug and unplug: udev's netlink monitor (udev_monitor_new_from_netlink "udev") filtered to ttys and
/// USB devices, as an `AsyncStream`.
///
/// Events arrive only once udevd has processed a device (its rules ran, its by-id links exist), so a consumer can
/// re-scan on each. Without udevd (containers, this build machine) the stream simply stays quiet.
public enum UdevMonitor {
    /// Events buffered for a slow consumer; older ones are dropped (a consumer re-scans anyway).
    public static let bufferSize = 64

    /// Starts monitoring; the stream ends when the consumer stops iterating it (its thread then exits).
    /// - Throws: ``UdevEnumerator/Failure`` when the netlink monitor cannot be set up (no AF_NETLINK).
    public static func events() throws -> AsyncStream<DeviceEvent> {
        guard let udev = udev_new() else { throw UdevEnumerator.Failure(description: "udev_new failed") }
        guard let monitor = udev_monitor_new_from_netlink(udev, "udev") else {
            udev_unref(udev)
            throw UdevEnumerator.Failure(description: "udev_monitor_new_from_netlink failed")
        }
        var pipeFDs: [Int32] = [-1, -1]
        guard udev_monitor_filter_add_match_subsystem_devtype(monitor, "tty", nil) >= 0,
            udev_monitor_filter_add_match_subsystem_devtype(monitor, "usb", "usb_device") >= 0,
            udev_monitor_enable_receiving(monitor) >= 0,
            pipe(&pipeFDs) == 0
        else {
            udev_monitor_unref(monitor)
            udev_unref(udev)
            throw UdevEnumerator.Failure(description: "udev monitor set-up failed (errno \(errno))")
        }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (stream, continuation) = AsyncStream<DeviceEvent>.makeStream(
            bufferingPolicy: .bufferingNewest(bufferSize)
        )
        // The libudev handles go to the monitor thread through a Mutex: only that thread uses and frees them.
        let handles = Mutex<(udev: OpaquePointer, monitor: OpaquePointer)?>((udev, monitor))
        let wakeRead = pipeFDs[0]
        let wakeWrite = pipeFDs[1]
        continuation.onTermination = { _ in
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
        // A thread rather than a Task: it blocks in poll(2), which must not hold a cooperative-pool thread.
        let thread = Thread {
            guard let (udev, monitor) = handles.withLock({ $0.take() }) else { return }
            serve(monitor: monitor, wake: wakeRead, continuation: continuation)
            udev_monitor_unref(monitor)
            udev_unref(udev)
            close(wakeRead)
            close(wakeWrite)
        }
        thread.name = "udev-monitor"
        thread.start()
        return stream
    }

    /// Waits in poll(2) for monitor events or the wake pipe (the consumer went away).
    private static func serve(
        monitor: OpaquePointer,
        wake: Int32,
        continuation: AsyncStream<DeviceEvent>.Continuation
    ) {
        let monitorFD = udev_monitor_get_fd(monitor)
        while true {
            var fds = [
                pollfd(fd: monitorFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[1].revents != 0 { break }
            guard fds[0].revents & Int16(POLLIN) != 0 else {
                if fds[0].revents != 0 { break }
                continue
            }
            guard let device = udev_monitor_receive_device(monitor) else { continue }
            if let event = event(device) { continuation.yield(event) }
            udev_device_unref(device)
        }
        continuation.finish()
    }

    static func event(_ device: OpaquePointer) -> DeviceEvent? {
        guard let syspath = UdevEnumerator.string(udev_device_get_syspath(device)),
            let subsystem = UdevEnumerator.string(udev_device_get_subsystem(device))
        else { return nil }
        let actionName = UdevEnumerator.string(udev_device_get_action(device)) ?? ""
        let property = { (name: String) in UdevEnumerator.string(udev_device_get_property_value(device, name)) }
        var id: USBID?
        if let vendor = property("ID_VENDOR_ID").flatMap(USBID.hex),
            let product = property("ID_MODEL_ID").flatMap(USBID.hex)
        {
            id = USBID(vendor: vendor, product: product)
        }
        return DeviceEvent(
            action: DeviceEvent.Action(rawValue: actionName) ?? .other,
            subsystem: subsystem,
            syspath: syspath,
            devnode: UdevEnumerator.string(udev_device_get_devnode(device)),
            id: id
        )
    }
}

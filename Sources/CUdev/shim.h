// libudev (systemd), for modem discovery and hotplug: udev_enumerate_*, udev_device_*, udev_monitor_*.
#include <libudev.h>

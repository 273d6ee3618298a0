#ifndef MODEMMESSAGING_CPOSIXTTY_H
#define MODEMMESSAGING_CPOSIXTTY_H
#include <stddef.h>
#include <termios.h>

// Wrappers for the pty and termios calls that Swift's Glibc module hides or makes awkward
// (TOOLCHAIN.md §4). Each returns what the wrapped call returns and leaves errno set.

/// openpty(3): a master/slave pseudo-terminal pair, slave in raw mode. Returns 0 or -1.
int cposix_openpty_raw(int *master, int *slave, char *slave_name, size_t slave_name_len);

/// posix_openpt + grantpt + unlockpt; returns the master fd or -1.
int cposix_openpt(int flags);

/// ptsname_r(3).
int cposix_ptsname(int fd, char *buf, size_t len);

/// Puts `fd` in raw 8N1 mode at `baud` (a Bxxx constant), optionally with RTS/CTS. Returns 0 or -1.
int cposix_make_raw(int fd, speed_t baud, int rtscts);

/// Maps a numeric baud rate (e.g. 115200) to its Bxxx constant; 0 when unsupported.
speed_t cposix_baud_constant(long baud);

/// ioctl(fd, TIOCEXCL): exclusive mode, so that a second open of the tty fails with EBUSY.
int cposix_set_exclusive(int fd);

/// ioctl(fd, TIOCGEXCL): 1 when the tty is in exclusive mode, 0 when not, -1 on error.
int cposix_get_exclusive(int fd);
#endif

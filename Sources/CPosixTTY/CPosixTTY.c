#define _GNU_SOURCE
#include "CPosixTTY.h"
#include <fcntl.h>
#include <pty.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int cposix_openpty_raw(int *master, int *slave, char *slave_name, size_t slave_name_len) {
    struct termios t;
    memset(&t, 0, sizeof t);
    cfmakeraw(&t);
    cfsetispeed(&t, B115200);
    cfsetospeed(&t, B115200);
    if (openpty(master, slave, NULL, &t, NULL) != 0) return -1;
    if (slave_name != NULL && slave_name_len > 0) {
        if (ptsname_r(*master, slave_name, slave_name_len) != 0) slave_name[0] = 0;
    }
    return 0;
}

int cposix_openpt(int flags) {
    int fd = posix_openpt(flags);
    if (fd < 0) return -1;
    if (grantpt(fd) != 0 || unlockpt(fd) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int cposix_ptsname(int fd, char *buf, size_t len) { return ptsname_r(fd, buf, len); }

int cposix_make_raw(int fd, speed_t baud, int rtscts) {
    struct termios t;
    if (tcgetattr(fd, &t) != 0) return -1;
    cfmakeraw(&t);
    t.c_cflag |= (CLOCAL | CREAD);
    t.c_cflag &= ~(CSTOPB | PARENB | CSIZE);
    t.c_cflag |= CS8;
    if (rtscts) t.c_cflag |= CRTSCTS; else t.c_cflag &= ~CRTSCTS;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (cfsetispeed(&t, baud) != 0 || cfsetospeed(&t, baud) != 0) return -1;
    return tcsetattr(fd, TCSANOW, &t);
}

speed_t cposix_baud_constant(long baud) {
    switch (baud) {
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    default: return 0;
    }
}

int cposix_set_exclusive(int fd) { return ioctl(fd, TIOCEXCL); }

int cposix_get_exclusive(int fd) {
    int exclusive = 0;
    if (ioctl(fd, TIOCGEXCL, &exclusive) != 0) return -1;
    return exclusive != 0;
}

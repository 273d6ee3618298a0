#ifndef MODEMMESSAGING_CUDEV_SHIM_H
#define MODEMMESSAGING_CUDEV_SHIM_H
#include <libudev.h>
#endif

// The only C Holdfast needs for I2C: libi2c's SMBus calls (i2c/smbus.h,
// Debian's libi2c-dev; it ships no pkg-config file) and the I2C_SLAVE ioctl,
// which Swift cannot call because ioctl is variadic.
#ifndef HOLDFAST_CI2C_SHIM_H
#define HOLDFAST_CI2C_SHIM_H

#include <i2c/smbus.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <sys/ioctl.h>

/// Selects the 7-bit target address for later transfers on `fd`. Never forces
/// (I2C_SLAVE_FORCE would steal an address a kernel driver has bound).
static inline int holdfast_i2c_set_address(int fd, unsigned short address) {
    return ioctl(fd, I2C_SLAVE, (unsigned long)address);
}

#endif

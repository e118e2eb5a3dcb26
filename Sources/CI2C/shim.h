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

/// The adapter's capabilities (I2C_FUNC_* bits).
static inline int holdfast_i2c_functionality(int fd, unsigned long *functionality) {
    return ioctl(fd, I2C_FUNCS, functionality);
}

static const unsigned long holdfast_i2c_func_smbus_byte_data = I2C_FUNC_SMBUS_BYTE_DATA;
static const unsigned long holdfast_i2c_func_smbus_word_data = I2C_FUNC_SMBUS_WORD_DATA;
static const unsigned long holdfast_i2c_func_smbus_i2c_block = I2C_FUNC_SMBUS_I2C_BLOCK;

#endif

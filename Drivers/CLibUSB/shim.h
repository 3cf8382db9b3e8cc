/* libusb-1.0 for POSDevices. */
#include <libusb.h>

/* libusb_set_option is variadic, which Swift cannot call. */
static inline int vetpos_libusb_quiet(libusb_context *ctx) {
    return libusb_set_option(ctx, LIBUSB_OPTION_LOG_LEVEL, LIBUSB_LOG_LEVEL_NONE);
}

/* libcups for POSDevices. Debian 12's libcups2-dev ships no cups.pc, so the modulemap links "cups" by name. */
#include <cups/cups.h>

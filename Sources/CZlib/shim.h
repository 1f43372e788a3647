#ifndef MNL_CZLIB_SHIM_H
#define MNL_CZLIB_SHIM_H
#include <zlib.h>
// inflateInit2 is a macro, which Swift cannot call; wrap it.
static inline int mnl_inflateInit2(z_streamp strm, int windowBits) {
  return inflateInit2(strm, windowBits);
}
#endif

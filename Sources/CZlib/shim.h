#include <zlib.h>

/* inflateInit2 is a macro that Swift cannot import. */
static inline int portreport_inflateInit2(z_stream *stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

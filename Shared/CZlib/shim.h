#pragma once
#include <zlib.h>

// inflateInit2 is a macro: wrap it so Swift can call it.
static inline int cl_inflate_init2(z_stream *strm, int windowBits) { return inflateInit2(strm, windowBits); }
static inline int cl_deflate_init2(z_stream *strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

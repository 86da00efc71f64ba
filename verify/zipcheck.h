/*
 * Zip layout check: the local headers and the central directory of a zip must describe the
 * same members, or readers that trust one (unzip, Python, jar, libarchive's seekable reader)
 * and readers that walk the other (streaming readers, java.util.zip.ZipInputStream) see
 * different archives.
 */
#ifndef RP_ZIPCHECK_H
#define RP_ZIPCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* A whole zip held in memory (mem non-NULL) or in a file read with pread (fd). Borrowed. */
struct rp_zip_src {
	int fd;
	const unsigned char *mem;
	uint64_t size;
};

/*
 * Check that z's bytes are exactly: one local entry per central directory record (local
 * header, data, data descriptor when flagged) laid end to end from offset 0, then the
 * central directory, the zip64 end records if any, and the end record whose comment reaches
 * the end of the file. Each local header must carry the central directory's name, method,
 * encryption and descriptor flags, CRC-32 and sizes (zeros allowed where a data descriptor
 * follows, which must then match). At most max_entries records are read.
 * Returns RP_OK, RP_EINPUT with "'name': why" naming the member or offset, or RP_EIO when
 * the file cannot be read. *no_end is set to 1 when RP_EINPUT comes from finding no end of
 * central directory record at all (the bytes are no zip a central-directory reader opens),
 * else to 0.
 */
enum rp_status rp_zip_check(const struct rp_zip_src *z, const char *name, size_t max_entries,
			    int *no_end, struct rp_err *e);

#endif

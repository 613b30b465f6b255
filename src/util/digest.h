/* digest.h - SHA-1 and SHA-256 (sha.c), base32 / hex text forms, UUID v5.
 * SHA-1 is what WARC-Block-Digest and UUID v5 (RFC 9562) call for; it is
 * used for identity and integrity of content, not for security. */
#ifndef NC_UTIL_DIGEST_H
#define NC_UTIL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

void nc_sha1(const void *data, size_t len, unsigned char out[20]);

/* Incremental SHA-1 for data that arrives in pieces.  No resources are
 * held: a context may simply be dropped. */
struct nc_sha1_ctx {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
};
int nc_sha1_begin(struct nc_sha1_ctx *c); /* always 0 */
void nc_sha1_update(struct nc_sha1_ctx *c, const void *data, size_t len);
void nc_sha1_end(struct nc_sha1_ctx *c, unsigned char out[20]);

void nc_sha256(const void *data, size_t len, unsigned char out[32]);
struct nc_sha256_ctx {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
};
int nc_sha256_begin(struct nc_sha256_ctx *c); /* always 0 */
void nc_sha256_update(struct nc_sha256_ctx *c, const void *data, size_t len);
void nc_sha256_end(struct nc_sha256_ctx *c, unsigned char out[32]);

/* "sha1:" + RFC 4648 base32 of the digest: 5 + 32 chars + NUL. */
void nc_sha1_base32(const unsigned char d[20], char out[38]);
void nc_hex(const unsigned char *d, size_t n, char *out); /* out: 2n+1 */

/* RFC 9562 UUID version 5 of `name` in namespace `ns` (16 bytes),
 * formatted "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" (37 bytes with NUL). */
void nc_uuid5(const unsigned char ns[16], const void *name, size_t len,
	      char out[37]);
extern const unsigned char nc_uuid_ns_url[16];

#endif

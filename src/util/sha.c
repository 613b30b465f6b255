/* sha.c - SHA-1 and SHA-256 (FIPS 180-4), portable C.
 *
 * newsconv used OpenSSL's libcrypto for these two functions only; loading
 * it cost half a millisecond of every run's start-up, more than hashing
 * takes in a typical one.  Used for content identity and integrity (WARC
 * digests, UUID v5, WACZ), not for security. */
#include <string.h>

#include "util/digest.h"

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* ---- SHA-1 ------------------------------------------------------------- */

static void sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80];
	for (int i = 0; i < 16; i++)
		w[i] = be32(p + 4 * i);
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

int nc_sha1_begin(struct nc_sha1_ctx *c)
{
	static const uint32_t init[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	memcpy(c->h, init, sizeof init);
	c->len = 0;
	c->nbuf = 0;
	return 0;
}

/* Shared by both hashes: feed whole blocks, keep the rest. */
#define UPDATE(c, data, len, block)                                          \
	do {                                                                 \
		const unsigned char *p_ = (data);                            \
		size_t n_ = (len);                                           \
		(c)->len += n_;                                              \
		if ((c)->nbuf) {                                             \
			size_t take = 64 - (c)->nbuf < n_ ? 64 - (c)->nbuf : n_; \
			memcpy((c)->buf + (c)->nbuf, p_, take);              \
			(c)->nbuf += take;                                   \
			p_ += take;                                          \
			n_ -= take;                                          \
			if ((c)->nbuf < 64)                                  \
				break;                                       \
			block((c)->h, (c)->buf);                             \
			(c)->nbuf = 0;                                       \
		}                                                            \
		for (; n_ >= 64; p_ += 64, n_ -= 64)                         \
			block((c)->h, p_);                                   \
		memcpy((c)->buf, p_, n_);                                    \
		(c)->nbuf = n_;                                              \
	} while (0)

void nc_sha1_update(struct nc_sha1_ctx *c, const void *data, size_t len)
{
	if (len)
		UPDATE(c, data, len, sha1_block);
}

/* The padding: 0x80, zeros, the bit length big-endian. */
static void pad(unsigned char *buf, size_t *nbuf, uint64_t len,
		void (*block)(uint32_t *, const unsigned char *), uint32_t *h)
{
	buf[(*nbuf)++] = 0x80;
	if (*nbuf > 56) {
		memset(buf + *nbuf, 0, 64 - *nbuf);
		block(h, buf);
		*nbuf = 0;
	}
	memset(buf + *nbuf, 0, 56 - *nbuf);
	uint64_t bits = len * 8;
	for (int i = 0; i < 8; i++)
		buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	block(h, buf);
}

void nc_sha1_end(struct nc_sha1_ctx *c, unsigned char out[20])
{
	pad(c->buf, &c->nbuf, c->len, sha1_block, c->h);
	for (int i = 0; i < 5; i++)
		put_be32(out + 4 * i, c->h[i]);
}

void nc_sha1(const void *data, size_t len, unsigned char out[20])
{
	struct nc_sha1_ctx c;
	nc_sha1_begin(&c);
	nc_sha1_update(&c, data, len);
	nc_sha1_end(&c, out);
}

/* ---- SHA-256 ----------------------------------------------------------- */

static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = be32(p + 4 * i);
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += k;
}

int nc_sha256_begin(struct nc_sha256_ctx *c)
{
	static const uint32_t init[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(c->h, init, sizeof init);
	c->len = 0;
	c->nbuf = 0;
	return 0;
}

void nc_sha256_update(struct nc_sha256_ctx *c, const void *data, size_t len)
{
	if (len)
		UPDATE(c, data, len, sha256_block);
}

void nc_sha256_end(struct nc_sha256_ctx *c, unsigned char out[32])
{
	pad(c->buf, &c->nbuf, c->len, sha256_block, c->h);
	for (int i = 0; i < 8; i++)
		put_be32(out + 4 * i, c->h[i]);
}

void nc_sha256(const void *data, size_t len, unsigned char out[32])
{
	struct nc_sha256_ctx c;
	nc_sha256_begin(&c);
	nc_sha256_update(&c, data, len);
	nc_sha256_end(&c, out);
}

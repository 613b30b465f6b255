#include "digest.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

void nc_sha1(const void *data, size_t len, unsigned char out[20])
{
	unsigned int n = 20;
	EVP_Digest(data, len, out, &n, EVP_sha1(), NULL);
}

int nc_sha1_begin(struct nc_sha1_ctx *c)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	if (!m || !EVP_DigestInit_ex(m, EVP_sha1(), NULL)) {
		EVP_MD_CTX_free(m);
		c->impl = NULL;
		return -1;
	}
	c->impl = m;
	return 0;
}

void nc_sha1_update(struct nc_sha1_ctx *c, const void *data, size_t len)
{
	if (c->impl)
		EVP_DigestUpdate((EVP_MD_CTX *)c->impl, data, len);
}

void nc_sha1_end(struct nc_sha1_ctx *c, unsigned char out[20])
{
	unsigned int n = 20;
	if (c->impl)
		EVP_DigestFinal_ex((EVP_MD_CTX *)c->impl, out, &n);
	else
		memset(out, 0, 20);
	EVP_MD_CTX_free((EVP_MD_CTX *)c->impl);
	c->impl = NULL;
}

void nc_sha256(const void *data, size_t len, unsigned char out[32])
{
	unsigned int n = 32;
	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

int nc_sha256_begin(struct nc_sha256_ctx *c)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	if (!m || !EVP_DigestInit_ex(m, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(m);
		c->impl = NULL;
		return -1;
	}
	c->impl = m;
	return 0;
}

void nc_sha256_update(struct nc_sha256_ctx *c, const void *data, size_t len)
{
	if (c->impl)
		EVP_DigestUpdate((EVP_MD_CTX *)c->impl, data, len);
}

void nc_sha256_end(struct nc_sha256_ctx *c, unsigned char out[32])
{
	unsigned int n = 32;
	if (c->impl)
		EVP_DigestFinal_ex((EVP_MD_CTX *)c->impl, out, &n);
	else
		memset(out, 0, 32);
	EVP_MD_CTX_free((EVP_MD_CTX *)c->impl);
	c->impl = NULL;
}

void nc_sha1_base32(const unsigned char d[20], char out[38])
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	memcpy(out, "sha1:", 5);
	char *o = out + 5;
	/* 20 bytes = 160 bits = exactly 32 base32 digits, no padding. */
	for (int i = 0; i < 20; i += 5) {
		unsigned long long v = 0;
		for (int j = 0; j < 5; j++)
			v = (v << 8) | d[i + j];
		for (int k = 7; k >= 0; k--)
			*o++ = alpha[(v >> (k * 5)) & 31];
	}
	*o = '\0';
}

void nc_hex(const unsigned char *d, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[2 * n] = '\0';
}

/* RFC 9562 appendix: the URL namespace 6ba7b811-9dad-11d1-80b4-00c04fd430c8 */
const unsigned char nc_uuid_ns_url[16] = {
	0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
	0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8
};

void nc_uuid5(const unsigned char ns[16], const void *name, size_t len,
	      char out[37])
{
	unsigned char h[20];
	struct nc_sha1_ctx c;
	nc_sha1_begin(&c);
	nc_sha1_update(&c, ns, 16);
	nc_sha1_update(&c, name, len);
	nc_sha1_end(&c, h);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9],
		 h[10], h[11], h[12], h[13], h[14], h[15]);
}

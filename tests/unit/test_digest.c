/* test_digest.c - the built-in SHA-1 and SHA-256 against FIPS 180 test
 * vectors, whole and fed in odd-sized pieces. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util/digest.h"

static const char *hex1(const void *data, size_t len)
{
	static char out[41];
	unsigned char d[20];
	nc_sha1(data, len, d);
	nc_hex(d, 20, out);
	return out;
}

static const char *hex256(const void *data, size_t len)
{
	static char out[65];
	unsigned char d[32];
	nc_sha256(data, len, d);
	nc_hex(d, 32, out);
	return out;
}

int main(void)
{
	CHECK_STR(hex1("", 0), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	CHECK_STR(hex1("abc", 3), "a9993e364706816aba3e25717850c26c9cd0d89d");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	CHECK_STR(hex1(two, strlen(two)), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	CHECK_STR(hex256("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_STR(hex256("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_STR(hex256(two, strlen(two)), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

	/* A million 'a', fed in pieces of 1..97 bytes: every buffer path. */
	size_t n = 1000000;
	char *a = malloc(n);
	memset(a, 'a', n);
	CHECK_STR(hex1(a, n), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	CHECK_STR(hex256(a, n), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	struct nc_sha1_ctx c1;
	struct nc_sha256_ctx c2;
	nc_sha1_begin(&c1);
	nc_sha256_begin(&c2);
	for (size_t off = 0, step = 1; off < n; off += step, step = step % 97 + 1) {
		size_t k = off + step > n ? n - off : step;
		nc_sha1_update(&c1, a + off, k);
		nc_sha256_update(&c2, a + off, k);
	}
	unsigned char d1[20], d2[32];
	char h1[41], h2[65];
	nc_sha1_end(&c1, d1);
	nc_sha256_end(&c2, d2);
	nc_hex(d1, 20, h1);
	nc_hex(d2, 32, h2);
	CHECK_STR(h1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	CHECK_STR(h2, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
	return check_done("digest");
}

/* test_text.c - nc_utf8_valid and nc_utf8_decode against a reference
 * written from RFC 3629 (issue 20 scale line: the validator now skips
 * ASCII eight bytes at a time and decodes inline; its answers must not
 * change).  Every string of one to three bytes, four-byte sequences
 * around each boundary, and one bad byte at every offset of an ASCII
 * run (where the eight-byte steps begin and end).  And
 * nc_url_strip_controls, which now looks for a control before rewriting. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util/text.h"
#include "util/url.h"

/* The length of the valid sequence at s, 0 when there is none. */
static size_t ref_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
		   : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	if (!len || n < len)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (c == 0xe0 && s[1] < 0xa0) return 0; /* overlong */
	if (c == 0xed && s[1] > 0x9f) return 0; /* surrogates */
	if (c == 0xf0 && s[1] < 0x90) return 0; /* overlong */
	if (c == 0xf4 && s[1] > 0x8f) return 0; /* past U+10FFFF */
	return len;
}

static bool ref_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = ref_seq(s + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

static int mismatches;

static void same(const unsigned char *s, size_t n)
{
	if (nc_utf8_valid((const char *)s, n) != ref_valid(s, n) && mismatches++ < 10) {
		fprintf(stderr, "nc_utf8_valid differs on");
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %02x", s[i]);
		fprintf(stderr, "\n");
	}
}

int main(void)
{
	unsigned char s[32];
	for (unsigned v = 0; v < 1u << 24; v++) { /* every 1-, 2- and 3-byte string */
		s[0] = (unsigned char)(v >> 16), s[1] = (unsigned char)(v >> 8), s[2] = (unsigned char)v;
		if (v < 256)
			same(s + 2, 1);
		if (v < 65536)
			same(s + 1, 2);
		same(s, 3);
	}
	static const unsigned char lead[] = {0xef, 0xf0, 0xf3, 0xf4, 0xf5, 0xf7, 0xf8, 0xff};
	for (size_t l = 0; l < sizeof lead; l++) /* four bytes, each lead */
		for (unsigned v = 0; v < 1u << 24; v += 0x010101 % 7 + 1) {
			s[0] = lead[l], s[1] = (unsigned char)(v >> 16), s[2] = (unsigned char)(v >> 8),
			s[3] = (unsigned char)v;
			same(s, 4);
		}
	static const char *const bad[] = {"\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
					  "\xf4\x90\x80\x80", "\xe4\xb8", "\xc3"};
	static const char *const good[] = {"\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80"};
	for (size_t at = 0; at < 20; at++) /* a sequence at every offset of ASCII */
		for (size_t k = 0; k < 10; k++) {
			const char *q = k < 7 ? bad[k] : good[k - 7];
			size_t ql = strlen(q);
			memset(s, 'a', sizeof s);
			memcpy(s + at, q, ql);
			for (size_t n = at; n <= 28; n++)
				same(s, n);
		}
	CHECK(mismatches == 0);
	unsigned cp = 0;
	CHECK(nc_utf8_decode((const unsigned char *)"\xe4\xb8\xad", 3, &cp) == 3 && cp == 0x4e2d);
	CHECK(nc_utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp) == 4 && cp == 0x1f600);
	CHECK(nc_utf8_decode((const unsigned char *)"\xe4\xb8", 2, &cp) == 0);
	CHECK(nc_utf8_valid_seq((const unsigned char *)"\xc3\xa9", 2) == 2);
	/* nc_url_strip_controls looks before it rewrites: the same answers. */
	static const char *const urls[][2] = {
		{"http://x/a", "http://x/a"}, {"", ""}, {"\thttp://x/\r\n", "http://x/"},
		{"http://x/a\x7f\x01" "b\x1f", "http://x/ab"}, {"\x01", ""},
		{"http://x/\xc2\x85\xc3\xa9 b", "http://x/\xc2\x85\xc3\xa9 b"},
	};
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		char buf[64];
		snprintf(buf, sizeof buf, "%s", urls[i][0]);
		nc_url_strip_controls(buf);
		CHECK_STR(buf, urls[i][1]);
	}
	return check_done("text");
}

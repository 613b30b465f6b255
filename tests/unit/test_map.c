/* test_map.c - the maps' seeded hash and the fixed shard hash.
 *
 * Input row 8: 2^16 keys built to agree in the low 48 bits of their
 * FNV-1a state (so any FNV-based slot index is the same for all) must
 * spread over the map's slots like random keys.  Output row 27: the
 * shard hash is the one the README defines, with known values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "newsconv.h"
#include "util/map.h"

#define FNV_PRIME 1099511628211ull
#define BASIS     1469598103934665603ull
#define BLOCK     8          /* 7 random bytes and a fixing byte */
#define LOWBITS   48

static uint64_t fnv_step(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * FNV_PRIME;
	return h;
}

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Two 8-byte blocks that take state s to states equal in the low
 * LOWBITS bits: a birthday search on bits 8..47 after 7 random
 * letters; the 8th byte then cancels the difference in bits 0..7. */
static uint64_t collide(uint64_t s, char a[BLOCK], char b[BLOCK])
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	enum { TBITS = 22 };
	size_t tsize = (size_t)1 << TBITS;
	uint64_t *keys = malloc(tsize * sizeof *keys);
	char (*vals)[BLOCK] = malloc(tsize * BLOCK);
	memset(keys, 0xff, tsize * sizeof *keys);
	for (;;) {
		char c[BLOCK];
		for (int i = 0; i < BLOCK - 1; i++)
			c[i] = abc[next_rand() % 62];
		uint64_t hc = fnv_step(s, c, BLOCK - 1);
		uint64_t key = (hc & ((1ull << LOWBITS) - 1)) >> 8;
		size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - TBITS));
		for (; keys[i] != ~0ull && keys[i] != key; i = (i + 1) & (tsize - 1))
			;
		if (keys[i] == ~0ull) {
			keys[i] = key;
			memcpy(vals[i], c, BLOCK);
			continue;
		}
		if (!memcmp(vals[i], c, BLOCK - 1))
			continue;
		uint64_t hv = fnv_step(s, vals[i], BLOCK - 1);
		int d = (int)((hc ^ hv) & 0xff);
		for (int x = 'a'; x <= 'z'; x++) {
			int y = x ^ d;
			if (y <= ' ' || y >= 0x7f)
				continue;
			memcpy(a, c, BLOCK);
			memcpy(b, vals[i], BLOCK);
			a[BLOCK - 1] = (char)x;
			b[BLOCK - 1] = (char)y;
			free(keys);
			free(vals);
			return fnv_step(s, a, BLOCK);
		}
	}
}

static int count_distinct_low16(const uint64_t *h, size_t n)
{
	static unsigned char seen[65536];
	memset(seen, 0, sizeof seen);
	int distinct = 0;
	for (size_t i = 0; i < n; i++) {
		distinct += !seen[h[i] & 0xffff];
		seen[h[i] & 0xffff] = 1;
	}
	return distinct;
}

static void test_flood(void)
{
	enum { K = 16 };
	size_t n = (size_t)1 << K, klen = (size_t)K * BLOCK;
	char blocks[K][2][BLOCK];
	uint64_t s = BASIS;
	for (int k = 0; k < K; k++)
		s = collide(s, blocks[k][0], blocks[k][1]);
	char *keys = malloc(n * klen);
	uint64_t *old = malloc(n * sizeof *old), *seeded = malloc(n * sizeof *seeded);
	for (size_t m = 0; m < n; m++) {
		for (int k = 0; k < K; k++)
			memcpy(keys + m * klen + (size_t)k * BLOCK, blocks[k][(m >> k) & 1], BLOCK);
		old[m] = nc_hash_stable(keys + m * klen, klen);
		seeded[m] = nc_hash(keys + m * klen, klen);
	}
	/* The keys do collide for FNV (the generator works) ... */
	CHECK(count_distinct_low16(old, n) == 1);
	/* ... and not for the map: 2^16 random values fill about 63% of
	 * 2^16 buckets. */
	int d = count_distinct_low16(seeded, n);
	CHECK(d > 35000);
	if (d <= 35000)
		fprintf(stderr, "input row 8: seeded hash gives %d distinct slots of 65536\n", d);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct nc_map map = {0};
	for (size_t m = 0; m < n; m++)
		CHECK(nc_map_put(&map, keys + m * klen, klen, keys) == NC_OK);
	CHECK(map.len == n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("input row 8: %zu FNV-colliding keys inserted in %.3f s\n", n, secs);
	CHECK(secs < 2.0);
	nc_map_free(&map);
	free(keys);
	free(old);
	free(seeded);
}

/* Another process draws another key. */
static void test_seed_per_process(void)
{
	int fd[2];
	CHECK(pipe(fd) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		uint64_t h = nc_hash("abc", 3);
		_exit(write(fd[1], &h, sizeof h) == (ssize_t)sizeof h ? 0 : 1);
	}
	uint64_t mine = nc_hash("abc", 3), theirs = 0;
	CHECK(read(fd[0], &theirs, sizeof theirs) == (ssize_t)sizeof theirs);
	waitpid(pid, NULL, 0);
	close(fd[0]);
	close(fd[1]);
	CHECK(mine != theirs);
	CHECK(nc_hash("abc", 3) == mine); /* but fixed within the process */
}

int main(void)
{
	/* SipHash-2-4 reference vectors (key 00..0f, message 00 01 02 ...):
	 * the rounds are right, so SipHash-1-3 is too. */
	unsigned char key[16], msg[64];
	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (unsigned char)i;
	uint64_t k0 = 0, k1 = 0;
	for (int i = 7; i >= 0; i--) {
		k0 = k0 << 8 | key[i];
		k1 = k1 << 8 | key[8 + i];
	}
	CHECK(nc_siphash(2, 4, k0, k1, msg, 0) == 0x726fdb47dd0e0e31ull);
	CHECK(nc_siphash(2, 4, k0, k1, msg, 1) == 0x74f839c593dc67fdull);
	CHECK(nc_siphash(2, 4, k0, k1, msg, 15) == 0xa129ca6149be45e5ull);

	/* Output row 27: the shard hash as the README defines it. */
	CHECK(nc_hash_stable("in/a.txt", 8) == 0x22db628f03a59a62ull);
	CHECK(nc_hash_stable("in/c.txt", 8) == 0x7dd2f6644e5aa6f1ull);
	CHECK(nc_hash_stable("corpus/2024/01/post.md", 22) == 0xe8da65a42516b48bull);
	CHECK(nc_hash_stable("corpus/2024/01/post.md", 22) % 7 == 4);
	CHECK(nc_hash_stable("", 0) == (BASIS ^ (BASIS >> 29)));

	test_seed_per_process();
	test_flood();
	return check_done("map");
}

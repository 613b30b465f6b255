/* map.c - see map.h.
 *
 * The map's hash is SipHash-1-3 (Aumasson and Bernstein, "SipHash: a
 * fast short-input PRF", 2012; 1 compression and 3 finalisation rounds
 * as CPython and Rust use for their tables) under a key drawn at random
 * once per process: which keys share a slot can then not be worked out
 * from the input, so crafted names (262,144 category names that FNV-1a
 * sends to one slot, review input row 8) cost what random names cost.
 * Nothing may depend on the slot order; what must be stable across runs
 * (shard assignment) uses nc_hash_stable() instead. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "newsconv.h"
#include "util/map.h"

static uint64_t seed[2];
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

static void seed_init(void)
{
	if (getrandom(seed, sizeof seed, GRND_NONBLOCK) == (ssize_t)sizeof seed)
		return;
	/* No entropy yet (early boot, a seccomp jail): the clock and the
	 * process still differ from run to run, which is what matters. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	seed[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec;
	seed[1] = (uint64_t)getpid() * 0xc2b2ae3d27d4eb4full ^ (uint64_t)(uintptr_t)&ts;
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND()                                                          \
	do {                                                                \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);   \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                      \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                      \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);   \
	} while (0)

uint64_t nc_siphash(int crounds, int drounds, uint64_t k0, uint64_t k1,
		    const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
	size_t whole = len & ~(size_t)7;
	for (size_t i = 0; i < whole; i += 8) {
		uint64_t m = 0;
		for (int b = 7; b >= 0; b--)
			m = m << 8 | p[i + (size_t)b];
		v3 ^= m;
		for (int r = 0; r < crounds; r++)
			SIPROUND();
		v0 ^= m;
	}
	uint64_t last = (uint64_t)len << 56;
	for (size_t i = whole; i < len; i++)
		last |= (uint64_t)p[i] << (8 * (i - whole));
	v3 ^= last;
	for (int r = 0; r < crounds; r++)
		SIPROUND();
	v0 ^= last;
	v2 ^= 0xff;
	for (int r = 0; r < drounds; r++)
		SIPROUND();
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t nc_hash(const void *key, size_t len)
{
	pthread_once(&seed_once, seed_init);
	return nc_siphash(1, 3, seed[0], seed[1], key, len);
}

uint64_t nc_hash_stable(const void *key, size_t len)
{
	const unsigned char *p = key;
	/* Not FNV's published offset basis (14695981039346656037): this one,
	 * a digit short, is what every earlier version used, and changing
	 * it would move inputs to other shards. */
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;         /* FNV-1a 64 prime */
	}
	return h ^ (h >> 29);
}

static struct nc_map_slot *find(const struct nc_map *m, const void *key,
				size_t klen, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)h & mask; ; i = (i + 1) & mask) {
		struct nc_map_slot *s = &m->slots[i];
		if (!s->key)
			return s;
		if (s->hash == h && s->klen == klen && memcmp(s->key, key, klen) == 0)
			return s;
	}
}
void *nc_map_get(const struct nc_map *m, const void *key, size_t klen)
{
	if (!m->cap)
		return NULL;
	struct nc_map_slot *s = find(m, key, klen, nc_hash(key, klen));
	return s->key ? s->value : NULL;
}

static int grow(struct nc_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	struct nc_map_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return NC_ERR_NOMEM;
	struct nc_map bigger = { slots, cap, m->len };
	for (size_t i = 0; i < m->cap; i++) {
		struct nc_map_slot *old = &m->slots[i];
		if (old->key)
			*find(&bigger, old->key, old->klen, old->hash) = *old;
	}
	free(m->slots);
	*m = bigger;
	return NC_OK;
}

int nc_map_put(struct nc_map *m, const void *key, size_t klen, void *value)
{
	if ((m->len + 1) * 10 > m->cap * 7 && grow(m))
		return NC_ERR_NOMEM;
	uint64_t h = nc_hash(key, klen);
	struct nc_map_slot *s = find(m, key, klen, h);
	if (!s->key) {
		char *k = malloc(klen ? klen : 1);
		if (!k)
			return NC_ERR_NOMEM;
		memcpy(k, key, klen);
		s->key = k;
		s->klen = klen;
		s->hash = h;
		m->len++;
	}
	s->value = value;
	return NC_OK;
}

void nc_map_free(struct nc_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->len = 0;
}

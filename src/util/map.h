/* map.h - a hash map from byte-string keys to pointers.
 *
 * The one answer to "is this already here?" in newsconv (DESIGN rule 8:
 * nothing quadratic in what the input controls).  Open addressing with
 * linear probing, grows at 70% load, hashed by SipHash-1-3 under a
 * per-process random key (DESIGN rule 12: slots cannot be predicted
 * from the input, so no input can make probing quadratic).  Keys are copied;
 * values are borrowed (the map never frees them).  A key may be any
 * bytes: a string (nc_map_get_str) or the bytes of a pointer
 * (nc_map_get_ptr) for sets of nodes.  Not thread-safe: one owner. */
#ifndef NC_UTIL_MAP_H
#define NC_UTIL_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nc_map_slot {
	char *key;      /* NULL: empty */
	size_t klen;
	uint64_t hash;
	void *value;
};

struct nc_map {
	struct nc_map_slot *slots;
	size_t cap;     /* a power of two, or 0 */
	size_t len;
};

/* The map's hash: keyed by a random seed drawn once per process, so it
 * differs from run to run; never use it for anything that must be
 * stable (file names, shards, record ids). */
uint64_t nc_hash(const void *key, size_t len);
/* SipHash-c-d of key under (k0, k1); exposed for its test vectors. */
uint64_t nc_siphash(int crounds, int drounds, uint64_t k0, uint64_t k1,
		    const void *key, size_t len);
/* A fixed hash, the same on every machine and in every version: 64-bit
 * FNV-1a of the bytes with offset basis 1469598103934665603 (not the
 * published 14695981039346656037: earlier versions used this one) and
 * prime 1099511628211, then folded as h ^ (h >> 29).  It decides --shard (README,
 * "Archive scale"); changing it would re-shard every archive. */
uint64_t nc_hash_stable(const void *key, size_t len);

/* NULL when absent. */
void *nc_map_get(const struct nc_map *m, const void *key, size_t klen);
/* Insert or replace.  NC_OK or NC_ERR_NOMEM (the map is unchanged then). */
int nc_map_put(struct nc_map *m, const void *key, size_t klen, void *value);
void nc_map_free(struct nc_map *m);

static inline void *nc_map_get_str(const struct nc_map *m, const char *key)
{
	return nc_map_get(m, key, __builtin_strlen(key));
}
static inline int nc_map_put_str(struct nc_map *m, const char *key, void *value)
{
	return nc_map_put(m, key, __builtin_strlen(key), value);
}
static inline void *nc_map_get_ptr(const struct nc_map *m, const void *p)
{
	return nc_map_get(m, &p, sizeof p);
}
static inline int nc_map_put_ptr(struct nc_map *m, const void *p, void *value)
{
	return nc_map_put(m, &p, sizeof p, value);
}

#endif

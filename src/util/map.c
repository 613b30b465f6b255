/* map.c - see map.h. */
#include <stdlib.h>
#include <string.h>

#include "newsconv.h"
#include "util/map.h"

uint64_t nc_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
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

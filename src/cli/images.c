/* images.c - the images of a whole run, not of one window.  The batch
 * fetches a window's images together (cli/batch.c); an image that pages
 * of several windows show (a site's logo) would then be fetched once
 * per window, and whether a page says "fetched" or "cached" would
 * depend on -j, which sets the window.  So the result of every image
 * fetched in this run is kept by URL and lent to later pages: each
 * image is fetched once per run, and a page gets the same result
 * whatever -j is.
 *
 * Bounded: at most KEPT_BYTES of image bytes are kept (a run of a
 * million pages with an image each must not hold them all); images
 * past that are fetched per window as before.  Failed images are not
 * kept: a later window tries them again.  Main thread only; the bytes
 * are shared by reference (nc_blob), which other threads release. */
#include <stdlib.h>

#include "cli/cli.h"

#define KEPT_BYTES (32u * 1024u * 1024u)

struct kept {
	enum nc_res_state state;
	struct nc_blob *blob;
	struct nc_exchange *exchange;
};

void run_images_lend(struct run_images *ri, struct nc_doc *const *docs, size_t n)
{
	ri->nfresh = 0;
	for (size_t d = 0; d < n; d++) {
		for (size_t r = 0; r < docs[d]->nresources; r++) {
			struct nc_resource *res = docs[d]->resources[r];
			if (res->blob) /* an archive's own image */
				continue;
			const struct kept *k = nc_map_get_str(&ri->by_url, res->resolved);
			if (k) {
				nc_blob_ref(k->blob);
				res->blob = k->blob;
				nc_exchange_ref(k->exchange);
				nc_exchange_unref(res->exchange);
				res->exchange = k->exchange;
				res->state = k->state;
				continue;
			}
			if (ri->nfresh == ri->cap) {
				size_t cap = ri->cap ? ri->cap * 2 : 64;
				struct nc_resource **v = realloc(ri->fresh, cap * sizeof *v);
				if (!v)
					continue; /* only not kept: fetched again later */
				ri->fresh = v;
				ri->cap = cap;
			}
			ri->fresh[ri->nfresh++] = res;
		}
	}
}

void run_images_keep(struct run_images *ri)
{
	for (size_t i = 0; i < ri->nfresh; i++) {
		struct nc_resource *res = ri->fresh[i];
		if (!res->blob || (res->state != NC_RES_FETCHED && res->state != NC_RES_CACHED) ||
		    res->blob->size > KEPT_BYTES - ri->bytes || nc_map_get_str(&ri->by_url, res->resolved))
			continue;
		struct kept *k = malloc(sizeof *k);
		if (!k || nc_map_put_str(&ri->by_url, res->resolved, k)) {
			free(k);
			continue;
		}
		k->state = res->state;
		nc_blob_ref(res->blob);
		k->blob = res->blob;
		nc_exchange_ref(res->exchange);
		k->exchange = res->exchange;
		ri->bytes += res->blob->size;
	}
	ri->nfresh = 0;
}

void run_images_free(struct run_images *ri)
{
	for (size_t i = 0; i < ri->by_url.cap; i++) {
		struct kept *k = ri->by_url.slots[i].key ? ri->by_url.slots[i].value : NULL;
		if (k) {
			nc_blob_unref(k->blob);
			nc_exchange_unref(k->exchange);
			free(k);
		}
	}
	nc_map_free(&ri->by_url);
	free(ri->fresh);
	ri->fresh = NULL;
	ri->nfresh = ri->cap = 0;
	ri->bytes = 0;
}

/* read_wacz.c - WACZ packages as input: the WARC members of the zip
 * (archive/NAME.warc, archive/NAME.warc.gz), each handed to read_warc.c.  The
 * only reader that needs libzip, so the newsconv program loads it as
 * part of the module newsconv-zip.so. */
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "read_wacz.h"

static bool is_warc_member(const char *n)
{
	size_t l = strlen(n);
	return !strncmp(n, "archive/", 8) &&
	       ((l > 16 && !strcmp(n + l - 8, ".warc.gz")) || (l > 13 && !strcmp(n + l - 5, ".warc")));
}

static zip_t *zip_open_mem(const unsigned char *data, size_t len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (src && !z)
		zip_source_free(src);
	zip_error_fini(&ze);
	return z;
}

bool nc_wacz_detect(const unsigned char *data, size_t len)
{
	if (len < 4 || memcmp(data, "PK\3\4", 4) != 0)
		return false;
	zip_t *z = zip_open_mem(data, len);
	if (!z)
		return false;
	bool found = false;
	zip_int64_t n = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; i < n && !found; i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
		found = name && is_warc_member(name);
	}
	zip_discard(z);
	return found;
}

/* Member i, if it is a WARC, to in->member(). */
static int read_member(const struct nc_wacz_in *in, zip_t *z, zip_uint64_t i)
{
	const char *name = zip_get_name(z, i, 0);
	zip_stat_t st;
	if (!name || !is_warc_member(name) || zip_stat_index(z, i, 0, &st) ||
	    !(st.valid & ZIP_STAT_SIZE))
		return NC_OK;
	if (st.size > in->max_inflated || *in->inflated + st.size > in->max_inflated)
		return nc_err_set(in->err, NC_ERR_LIMIT, in->name, "%s: larger than %u MB", name,
				  (unsigned)(in->max_inflated / (1024u * 1024u)));
	int rc = NC_OK;
	unsigned char *buf = malloc(st.size ? (size_t)st.size : 1);
	zip_file_t *f = buf ? zip_fopen_index(z, i, 0) : NULL;
	if (!buf) {
		rc = nc_err_set(in->err, NC_ERR_NOMEM, in->name, "out of memory");
	} else if (!f || zip_fread(f, buf, st.size) != (zip_int64_t)st.size) {
		nc_buf_printf(in->tail_warning, "%s%s: cannot be read from the package",
			      in->tail_warning->len ? "; " : "", name);
	} else {
		*in->inflated += st.size;
		rc = in->member(in->ctx, buf, (size_t)st.size);
	}
	if (f)
		zip_fclose(f);
	free(buf);
	return rc;
}

int nc_wacz_read(const struct nc_wacz_in *in, const unsigned char *data, size_t len)
{
	zip_t *z = zip_open_mem(data, len);
	if (!z)
		return nc_err_set(in->err, NC_ERR_PARSE, in->name, "not a readable zip (WACZ) file");
	int rc = NC_OK;
	zip_int64_t n = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; i < n && !rc; i++)
		rc = read_member(in, z, (zip_uint64_t)i);
	zip_discard(z);
	return rc;
}

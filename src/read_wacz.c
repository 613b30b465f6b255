/* read_wacz.c - WACZ packages as input: the WARC members of the zip
 * (archive/NAME.warc, archive/NAME.warc.gz), each handed to read_warc.c.  The
 * only reader that needs libzip, so the newsconv program loads it as
 * part of the module newsconv-zip.so. */
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "read_wacz.h"
#include "util/filemap.h"

/* The package's bytes (mapped from the file by the CLI) are let go
 * this often as members are pulled: libzip reads them from the view,
 * and pages it needs again come back from the file. */
#define WACZ_RELEASE_STEP (8u * 1024u * 1024u)

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

/* One line of the package's warnings (read_warc.c shows them). */
static void warn(const struct nc_wacz_in *in, const char *name, const char *what)
{
	nc_buf_printf(in->tail_warning, "%s: %s\n", name, what);
}

/* A member being pulled: its bytes count in the archive's inflation
 * budget as they come, not by the size the zip claims (input row 22: a
 * member claiming 2 GB is no reason to lose the others). */
struct member {
	const struct nc_wacz_in *in;
	const char *name;
	zip_file_t *f;
	bool damaged, *stop;
	const unsigned char *data;   /* the package */
	size_t len;
	uint64_t since_release;
};

static long pull_member(void *src, unsigned char *buf, size_t cap)
{
	struct member *m = src;
	if (m->damaged || *m->stop)
		return 0;
	if (*m->in->inflated > m->in->max_inflated) {
		nc_buf_printf(m->in->tail_warning,
			      "%s: the package inflates to more than %u MB; the rest of it and the members after it are skipped\n",
			      m->name, (unsigned)(m->in->max_inflated / (1024u * 1024u)));
		*m->stop = true;
		return 0;
	}
	zip_int64_t got = zip_fread(m->f, buf, cap);
	if (got < 0) {
		m->damaged = true;
		return -1;
	}
	*m->in->inflated += (uint64_t)got;
	if ((m->since_release += (uint64_t)got) >= WACZ_RELEASE_STEP) {
		nc_filemap_release(m->data, m->len);
		m->since_release = 0;
	}
	return (long)got;
}

/* Member i, if it is a WARC, to in->member(), which pulls its bytes;
 * past the budget the package's remaining members are skipped (*stop)
 * and what was read is kept.  A damaged member keeps the records
 * before the damage. */
static int read_member(const struct nc_wacz_in *in, zip_t *z, zip_uint64_t i, bool *stop,
		       const unsigned char *data, size_t len)
{
	const char *name = zip_get_name(z, i, 0);
	if (!name || !is_warc_member(name))
		return NC_OK;
	zip_file_t *f = zip_fopen_index(z, i, 0);
	if (!f) {
		warn(in, name, "cannot be read from the package; skipped");
		return NC_OK;
	}
	struct member m = { in, name, f, false, stop, data, len, 0 };
	int rc = in->member(in->ctx, pull_member, &m);
	if (!rc && m.damaged)
		warn(in, name, "is damaged in the package (its size or checksum is wrong): what came before the damage was read, nothing after it");
	zip_fclose(f);
	return rc;
}

int nc_wacz_read(const struct nc_wacz_in *in, const unsigned char *data, size_t len)
{
	zip_t *z = zip_open_mem(data, len);
	if (!z)
		return nc_err_set(in->err, NC_ERR_PARSE, in->name, "not a readable zip (WACZ) file");
	int rc = NC_OK;
	bool stop = false;
	zip_int64_t n = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; i < n && !rc && !stop; i++)
		rc = read_member(in, z, (zip_uint64_t)i, &stop, data, len);
	zip_discard(z);
	return rc;
}

/* digest.c - several feeds or folders into one book, laid out like a
 * newspaper (--since, --until, --max-per-source, --group).
 *
 * Choosing what goes in needs every item's metadata before the first is
 * written, so a digest does not stream as a batch does: every input is
 * read (digests are small: tens to a few thousand items), then
 *   1. --since/--until keep the items inside the window (undated items
 *      are kept, with a warning: nothing says they are outside it);
 *   2. duplicates (same source URL, or same title and date) are kept
 *      once, the first in input order, with a note naming both;
 *   3. --max-per-source keeps the newest N of each source;
 *   4. the rest is sorted (groups, then --sort inside each group) and
 *      each document is told its section;
 * and the documents are added to the writer in that order.  The writer
 * is told (nc_write_opts.digest) to keep that order and to show the
 * sections and a title page.
 *
 * A source is the feed's title; for an article that did not come from a
 * feed, the folder it was found in, else its file name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "util/date.h"
#include "util/lang.h"
#include "util/text.h"
#include "util/words.h"

/* How the final order is decided: the digest's own, pointed to by each
 * item, so that the comparator reads no global (two digests may be
 * ordered on two threads of a library user). */
struct order {
	enum nc_sort sort;
	enum digest_group group;
};

struct item {
	struct nc_doc *doc;
	const struct order *order; /* the digest's, for cmp_final */
	size_t seq;               /* input order */
	const char *source;       /* interned */
	size_t source_rank;       /* order of the source's first item */
	const char *group;        /* interned; NULL: --group none */
	bool group_missing;       /* no category / no date: that group goes last */
	bool drop;
};

struct digest {
	struct cli *c;
	struct item *v;
	size_t n, cap;
	struct order order;
	struct nc_strlist names;  /* interned strings (owned) */
	struct nc_map interned;   /* string -> its copy in names */
	struct nc_map ranks;      /* source -> rank + 1 */
	const char **sources;     /* by rank */
	size_t nsources;
	size_t read, dropped;
	const char *lang;         /* the chapters' most frequent language (interned) */
	int exit_code;
};

/* ---- when ---------------------------------------------------------------- */

/* Does the date say a time of day?  Every form nc_date_parse() reads
 * writes one with a colon (08:00, 2024-03-01T08:00:00Z, RFC 822's
 * 08:00:00), or as "T" and digits right after the date. */
static bool has_time(const char *s)
{
	if (strchr(s, ':'))
		return true;
	const char *t = strpbrk(s, "Tt");
	return t && t > s && t[-1] >= '0' && t[-1] <= '9' && t[1] >= '0' && t[1] <= '9';
}

int digest_when(const char *s, int64_t now, bool end, int64_t *out)
{
	char *stop;
	errno = 0;
	long long n = strtoll(s, &stop, 10);
	if (!errno && stop != s && *s >= '0' && *s <= '9' && n >= 0 && n <= 1000000 &&
	    (!strcmp(stop, "h") || !strcmp(stop, "d"))) {
		*out = now - (int64_t)n * (*stop == 'h' ? 3600 : 86400);
		return 0;
	}
	if (nc_date_parse(s, out))
		return -1;
	if (end && !has_time(s)) /* a bare date (2024-3-1, 1 Mar 2024): the whole day */
		*out += 86399;
	return 0;
}

/* ---- strings and sources ----------------------------------------------- */

static const char *intern(struct digest *d, const char *s)
{
	const char *known = nc_map_get_str(&d->interned, s);
	if (known)
		return known;
	if (nc_strlist_push(&d->names, s))
		return NULL;
	const char *copy = d->names.items[d->names.len - 1];
	return nc_map_put_str(&d->interned, s, (void *)copy) ? NULL : copy;
}

static const char *extra_of(const struct nc_doc *doc, const char *key)
{
	for (size_t i = 0; i < doc->meta.nextra; i++)
		if (!strcmp(doc->meta.extra[i].key, key))
			return doc->meta.extra[i].value;
	return NULL;
}

/* The feed's title; else the folder a walked file was found in, else
 * the file's name. */
static const char *source_of(struct digest *d, const struct input *in, const struct nc_doc *doc)
{
	const char *t = extra_of(doc, "feed_title");
	if (t && !nc_str_blank(t))
		return intern(d, t);
	const char *path = in->path;
	const char *base = strrchr(path, '/');
	if (in->walked && base && base != path) {
		const char *dir = base;
		while (dir > path && dir[-1] != '/')
			dir--;
		char *name = strndup(dir, (size_t)(base - dir));
		const char *r = name ? intern(d, name) : NULL;
		free(name);
		return r;
	}
	return intern(d, base ? base + 1 : path);
}

static int rank_source(struct digest *d, struct item *it)
{
	size_t r = (size_t)(uintptr_t)nc_map_get_str(&d->ranks, it->source);
	if (!r) {
		const char **v = realloc(d->sources, (d->nsources + 1) * sizeof *v);
		if (!v)
			return NC_ERR_NOMEM;
		d->sources = v;
		v[d->nsources++] = it->source;
		r = d->nsources;
		if (nc_map_put_str(&d->ranks, it->source, (void *)(uintptr_t)r))
			return NC_ERR_NOMEM;
	}
	it->source_rank = r - 1;
	return NC_OK;
}

/* ---- reading ------------------------------------------------------------ */

static int push_item(struct digest *d, const struct input *in, struct nc_doc *doc)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		struct item *v = realloc(d->v, cap * sizeof *v);
		if (!v)
			return NC_ERR_NOMEM;
		d->v = v;
		d->cap = cap;
	}
	struct item *it = &d->v[d->n];
	memset(it, 0, sizeof *it);
	it->doc = doc;
	it->seq = d->n;
	if (!(it->source = source_of(d, in, doc)) || rank_source(d, it))
		return NC_ERR_NOMEM;
	d->n++;
	return NC_OK;
}

static void failed(struct digest *d, const struct nc_err *err, const char *where)
{
	cli_report(err, where);
	d->exit_code = EXIT_INPUT;
}

/* One input's documents (a file, a folder's file, a URL), resolved,
 * into d->v. */
static int read_input(struct digest *d, const struct input *in, size_t index)
{
	struct nc_err err = {0};
	struct nc_doclist docs = {0};
	bool skipped = false;
	int rc = cli_read_input(d->c, in, &docs, &skipped, &err);
	if (rc) {
		nc_doclist_free(&docs);
		failed(d, &err, in->path);
		return rc == NC_ERR_NOMEM ? rc : NC_OK;
	}
	if (skipped)
		return NC_OK;
	if (cli_said_skipped(d->c, in->path, &docs))
		d->exit_code = EXIT_INPUT;
	else if (!docs.n && !docs.nskipped && d->c->verbosity >= 0)
		fprintf(stderr, "%s: %s: no items; nothing to convert\n", nc_progname, in->path);
	for (size_t k = 0; k < docs.n; k++) {
		struct nc_doc *doc = docs.v[k];
		docs.v[k] = NULL;
		doc->index = (index << 20) | (k & 0xfffff); /* stable record ids */
		if (nc_resolve(doc, &err)) {
			failed(d, &err, in->path);
			nc_doc_free(doc);
		} else if (push_item(d, in, doc)) {
			nc_doc_free(doc);
			rc = NC_ERR_NOMEM;
		}
	}
	d->read += docs.n;
	nc_doclist_free(&docs);
	return rc;
}

/* ---- choosing ------------------------------------------------------------ */

int64_t digest_now(const struct cli *c)
{
	return c->wo.have_epoch ? c->wo.epoch : (int64_t)time(NULL);
}

bool digest_outside(const struct cli *c, int64_t now, const struct nc_meta *m)
{
	int64_t since = 0, until = 0;
	if (!m->date)
		return false;
	if (c->since && !digest_when(c->since, now, false, &since) && m->date_epoch < since)
		return true;
	return c->until && !digest_when(c->until, now, true, &until) && m->date_epoch > until;
}

static void window(struct digest *d, int64_t now)
{
	const struct cli *c = d->c;
	for (size_t i = 0; i < d->n; i++) {
		const struct nc_meta *m = &d->v[i].doc->meta;
		if (!m->date) {
			if (c->verbosity >= 0)
				cli_say(d->v[i].doc->source_name, "warning",
					"no date; kept, as --since/--until cannot place it");
			continue;
		}
		if (digest_outside(c, now, m))
			d->v[i].drop = true;
	}
}

/* The item's keys: "u" + URL, and "t" + title + NUL + date. */
static void dedupe_keys(const struct nc_meta *m, struct nc_buf key[2])
{
	nc_buf_truncate(&key[0], 0);
	nc_buf_truncate(&key[1], 0);
	if (m->source_url && *m->source_url)
		nc_buf_printf(&key[0], "u%s", m->source_url);
	if (m->date && m->title && !nc_str_blank(m->title))
		nc_buf_printf(&key[1], "t%s%c%s", m->title, 0, m->date);
}

/* Kept once: the first in input order.  Only kept items register their
 * keys, so a note always names an item that is in the book. */
static int dedupe(struct digest *d)
{
	struct nc_map seen = {0};
	struct nc_buf key[2] = {{0}, {0}};
	int rc = NC_OK;
	for (size_t i = 0; i < d->n && !rc; i++) {
		struct item *it = &d->v[i];
		if (it->drop)
			continue;
		dedupe_keys(&it->doc->meta, key);
		if (key[0].oom || key[1].oom) {
			rc = NC_ERR_NOMEM;
			break;
		}
		for (int k = 0; k < 2 && !it->drop; k++) {
			const struct item *first = key[k].len ? nc_map_get(&seen, key[k].data, key[k].len) : NULL;
			if (!first)
				continue;
			it->drop = true;
			d->dropped++;
			if (d->c->verbosity >= 0)
				fprintf(stderr, "%s: %s: duplicate of %s (same %s); kept once\n",
					nc_progname, it->doc->source_name, first->doc->source_name,
					k == 0 ? "source URL" : "title and date");
		}
		for (int k = 0; k < 2 && !it->drop && !rc; k++)
			if (key[k].len && nc_map_put(&seen, key[k].data, key[k].len, it))
				rc = NC_ERR_NOMEM;
	}
	nc_map_free(&seen);
	nc_buf_free(&key[0]);
	nc_buf_free(&key[1]);
	return rc;
}

/* Dated before undated; then by date as --sort says; then input order. */
static int cmp_date(const struct item *a, const struct item *b, enum nc_sort sort)
{
	const struct nc_meta *ma = &a->doc->meta, *mb = &b->doc->meta;
	if (sort != NC_SORT_INPUT) {
		if (!ma->date != !mb->date)
			return ma->date ? -1 : 1;
		if (ma->date && ma->date_epoch != mb->date_epoch) {
			bool less = ma->date_epoch < mb->date_epoch;
			return (sort == NC_SORT_NEWEST ? !less : less) ? -1 : 1;
		}
	}
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Newest first inside each source, for --max-per-source. */
static int cmp_source_newest(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	if (a->source_rank != b->source_rank)
		return a->source_rank < b->source_rank ? -1 : 1;
	return cmp_date(a, b, NC_SORT_NEWEST);
}

/* Sections: sources in input order, categories by name, days in
 * date order (newest first with --sort newest); the missing last. */
static int cmp_final(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	const struct order *o = a->order;
	if (o->group == GROUP_SOURCE && a->source_rank != b->source_rank)
		return a->source_rank < b->source_rank ? -1 : 1;
	if (o->group == GROUP_CATEGORY || o->group == GROUP_DAY) {
		if (a->group_missing != b->group_missing)
			return a->group_missing ? 1 : -1;
		int k = strcmp(a->group, b->group);
		if (k)
			return o->group == GROUP_DAY && o->sort == NC_SORT_NEWEST ? -k : k;
	}
	return cmp_date(a, b, o->sort);
}

/* Drop what is marked, keeping the order. */
static void compact(struct digest *d)
{
	size_t k = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].drop)
			nc_doc_free(d->v[i].doc);
		else
			d->v[k++] = d->v[i];
	}
	d->n = k;
}

static void max_per_source(struct digest *d)
{
	size_t limit = d->c->max_per_source;
	if (!limit)
		return;
	qsort(d->v, d->n, sizeof *d->v, cmp_source_newest);
	size_t kept = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (i == 0 || d->v[i].source_rank != d->v[i - 1].source_rank)
			kept = 0;
		d->v[i].drop = ++kept > limit;
	}
	compact(d);
}

/* A chapter's language as the writer will see it: declared, else guessed. */
static const char *doc_lang(const struct nc_doc *doc)
{
	return doc->meta.language && *doc->meta.language ? doc->meta.language : nc_lang_guess(doc);
}

struct lang_count {
	const char *tag; /* the first spelling met ("en-GB") */
	size_t n;
};

/* The language most chapters are in, by primary subtag ("en" and
 * "en-GB" count together), spelled as the first of them spells it; a
 * tie goes to the language met first.  Linear: a map from subtag. */
static int majority_lang(struct digest *d)
{
	struct lang_count *v = calloc(d->n ? d->n : 1, sizeof *v);
	struct nc_map seen = {0};
	size_t nv = 0, best = 0;
	int rc = v ? NC_OK : NC_ERR_NOMEM;
	for (size_t i = 0; i < d->n && !rc; i++) {
		const char *tag = doc_lang(d->v[i].doc);
		if (!tag || !*tag)
			continue;
		size_t k = strcspn(tag, "-_");
		char key[16] = {0};
		for (size_t j = 0; j < k && j < sizeof key - 1; j++)
			key[j] = (char)(tag[j] | 0x20); /* ASCII letters: lowercase */
		size_t at = (size_t)(uintptr_t)nc_map_get_str(&seen, key);
		if (!at) {
			v[nv].tag = tag;
			at = ++nv;
			rc = nc_map_put_str(&seen, key, (void *)(uintptr_t)at);
		}
		if (++v[at - 1].n > v[best].n)
			best = at - 1;
	}
	if (!rc && nv && !(d->lang = intern(d, v[best].tag)))
		rc = NC_ERR_NOMEM;
	nc_map_free(&seen);
	free(v);
	return rc;
}

/* The language the book will be in: --lang, else the chapters' most
 * frequent (write_epub.c is told it in nc_digest.lang). */
static const char *book_lang(const struct digest *d)
{
	return d->c->wo.lang ? d->c->wo.lang : d->lang;
}

/* Each item's section; articles without a category (or a date) go last,
 * under a name in the book's language, known once the order is. */
static int group_items(struct digest *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct item *it = &d->v[i];
		const struct nc_meta *m = &it->doc->meta;
		char day[11];
		switch (d->c->group) {
		case GROUP_NONE: continue;
		case GROUP_SOURCE: it->group = it->source; break;
		case GROUP_CATEGORY:
			it->group_missing = !m->ncategories || !m->categories[0].len ||
					    nc_str_blank(m->categories[0].items[0]);
			it->group = intern(d, it->group_missing ? "" : m->categories[0].items[0]);
			break;
		case GROUP_DAY:
			it->group_missing = !m->date;
			if (m->date)
				snprintf(day, sizeof day, "%.10s", m->date);
			it->group = intern(d, m->date ? day : "");
			break;
		}
		if (!it->group)
			return NC_ERR_NOMEM;
	}
	if (majority_lang(d))
		return NC_ERR_NOMEM;
	d->order.sort = d->c->wo.sort;
	d->order.group = d->c->group;
	for (size_t i = 0; i < d->n; i++)
		d->v[i].order = &d->order;
	qsort(d->v, d->n, sizeof *d->v, cmp_final);
	const struct nc_words *w = nc_words_for(book_lang(d));
	for (size_t i = 0; i < d->n && d->c->group != GROUP_NONE; i++) {
		struct item *it = &d->v[i];
		if (it->group_missing)
			it->group = intern(d, d->c->group == GROUP_DAY ? w->undated : w->uncategorised);
		if (!it->group || nc_set_str(&it->doc->meta.section, it->group))
			return NC_ERR_NOMEM;
	}
	return NC_OK;
}

/* ---- writing ------------------------------------------------------------- */

static void say_notes(const struct cli *c, const char *where, const struct nc_writer *w)
{
	for (size_t k = 0; k < w->nnotes; k++)
		if (c->verbosity >= 0)
			cli_say(where, NULL, w->notes[k]);
}

static void fetch_all(struct digest *d)
{
	struct nc_doc **docs = calloc(d->n ? d->n : 1, sizeof *docs);
	struct nc_err err = {0};
	struct nc_fetch_stats st = {0};
	if (!docs) {
		nc_err_set(&err, NC_ERR_NOMEM, "fetch", "out of memory");
		failed(d, &err, "fetch");
		return;
	}
	for (size_t i = 0; i < d->n; i++)
		docs[i] = d->v[i].doc;
	if (d->n && nc_fetch(docs, d->n, &d->c->fo, &st, &err) != NC_OK)
		failed(d, &err, "fetch");
	free(docs);
	if (d->c->verbosity >= 0 && st.total)
		fprintf(stderr, "%s: images: %zu fetched, %zu from cache, %zu failed (%llu bytes)\n",
			nc_progname, st.fetched, st.cached, st.failed, (unsigned long long)st.bytes);
	if (d->c->strict && (st.failed || full_text_failures()))
		d->exit_code = EXIT_INPUT;
}

/* The sources the chosen articles came from, in input order. */
static struct nc_digest digest_info(struct digest *d, int64_t now, bool *used)
{
	struct nc_digest g = { .grouped = d->c->group != GROUP_NONE, .lang = book_lang(d) };
	g.have_since = d->c->since && !digest_when(d->c->since, now, false, &g.since);
	g.have_until = d->c->until && !digest_when(d->c->until, now, true, &g.until);
	for (size_t i = 0; i < d->n; i++)
		used[d->v[i].source_rank] = true;
	for (size_t r = 0; r < d->nsources; r++)
		if (used[r])
			d->sources[g.nsources++] = d->sources[r];
	g.sources = d->sources;
	return g;
}

static int add_all(struct digest *d, struct nc_writer *w, struct nc_err *err)
{
	for (size_t i = 0; i < d->n; i++) {
		struct nc_doc *doc = d->v[i].doc;
		cli_doc_notes(d->c, doc->source_name, doc);
		if (cli_stop)
			return NC_ERR_INTERNAL;
		int rc = nc_writer_add(w, doc, err);
		d->v[i].doc = NULL;
		nc_doc_free(doc); /* the writer kept what it needs */
		if (rc)
			return rc;
	}
	return NC_OK;
}

static int write_book(struct digest *d, const char *single, int64_t now)
{
	const struct cli *c = d->c;
	const char *where = single ? single : "-";
	struct nc_out file = {0};
	struct nc_writer *w = NULL;
	struct nc_err err = {0};
	bool *used = calloc(d->nsources ? d->nsources : 1, sizeof *used);
	if (!used) {
		fprintf(stderr, "%s: out of memory\n", nc_progname);
		return EXIT_INPUT;
	}
	struct nc_digest info = digest_info(d, now, used);
	free(used);
	struct nc_write_opts wo = c->wo;
	if (!wo.title) /* an OPML list's own name, as the user gave it */
		wo.title = opml_input_title();
	wo.output_path = single;
	wo.digest = &info;
	wo.gzip = c->gzip == 1 || (c->gzip == -1 && single && strlen(single) > 3 &&
				   !strcmp(single + strlen(single) - 3, ".gz"));
	struct nc_sink sink = { file_sink, stdout };
	int rc = single ? nc_out_open(&file, single, &err) : NC_OK;
	if (!rc) {
		if (single)
			sink.ctx = file.f;
		rc = nc_writer_new(&w, c->format, &wo, &sink, &err);
	}
	if (!rc)
		rc = add_all(d, w, &err);
	if (!rc)
		rc = nc_writer_finish(w, &err);
	if (!rc && single)
		rc = nc_out_close(&file, true, &err) || file_commit_parts(w, &err) ||
		     nc_out_commit(&file, &err);
	else if (!rc && fflush(stdout))
		rc = nc_err_set(&err, NC_ERR_IO, "-", "cannot write to standard output");
	else if (!rc)
		rc = file_commit_parts(w, &err);
	if (!rc)
		rc = file_commit_index(w, &err);
	if (!rc)
		say_notes(c, where, w);
	else if (!cli_stop)
		cli_report(&err, where);
	if (!rc && c->verbosity > 0)
		fprintf(stderr, "%s: wrote %s: %zu articles from %zu sources (%zu read, %zu duplicates dropped)\n",
			nc_progname, where, d->n, info.nsources, d->read, d->dropped);
	nc_out_abort(&file);
	nc_writer_free(w);
	return rc ? EXIT_INPUT : EXIT_OK;
}

/* ---- the run ---------------------------------------------------------------- */

static void digest_free(struct digest *d)
{
	for (size_t i = 0; i < d->n; i++)
		nc_doc_free(d->v[i].doc);
	free(d->v);
	free(d->sources);
	nc_strlist_free(&d->names);
	nc_map_free(&d->interned);
	nc_map_free(&d->ranks);
}

int digest_run(struct cli *c, struct inputs *in, const char *single)
{
	struct digest d = { .c = c };
	int64_t now = digest_now(c);
	int rc = NC_OK;
	if (single && (inputs_contain(in, single) ||
		       (c->wo.cdx_path && inputs_contain(in, c->wo.cdx_path)))) {
		fprintf(stderr, "%s: %s: refusing to overwrite an input file\n", nc_progname,
			inputs_contain(in, single) ? single : c->wo.cdx_path);
		return EXIT_INPUT;
	}
	for (size_t i = 0; i < in->n && !rc && !cli_stop; i++)
		rc = read_input(&d, &in->v[i], i);
	if (!rc && !cli_stop) {
		window(&d, now);
		rc = dedupe(&d);
	}
	if (!rc && !cli_stop) {
		compact(&d);
		max_per_source(&d);
		rc = group_items(&d);
	}
	int exit_code = d.exit_code;
	if (rc) {
		fprintf(stderr, "%s: out of memory\n", nc_progname);
		exit_code = EXIT_INPUT;
	} else if (!cli_stop && d.n == 0) {
		if (c->verbosity >= 0)
			fprintf(stderr, "%s: %s: nothing written: no article left after --since, --until and duplicates\n",
				nc_progname, single ? single : "-");
	} else if (!cli_stop) {
		if (c->fetch)
			fetch_all(&d);
		int w = write_book(&d, single, now);
		exit_code = w ? w : d.exit_code;
	}
	digest_free(&d);
	if (cli_stop) {
		fprintf(stderr, "%s: stopped by signal %d; nothing written\n", nc_progname, (int)cli_stop);
		return 128 + cli_stop;
	}
	return exit_code;
}

/* linesort.c - see linesort.h. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "newsconv.h"
#include "output.h"
#include "util/linesort.h"

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void drop_lines(struct nc_linesort *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->lines[i]);
	s->n = 0;
	s->bytes = 0;
}

static int spill(struct nc_linesort *s)
{
	FILE **v = realloc(s->runs, (s->nruns + 1) * sizeof *v);
	if (!v)
		return s->rc = NC_ERR_NOMEM;
	s->runs = v;
	struct nc_err err;
	FILE *f = nc_scratch_fopen(s->near, &err);
	if (!f)
		return s->rc = NC_ERR_IO;
	v[s->nruns++] = f;
	qsort(s->lines, s->n, sizeof *s->lines, cmp_line);
	for (size_t i = 0; i < s->n; i++)
		if (fputs(s->lines[i], f) == EOF || putc('\n', f) == EOF)
			return s->rc = NC_ERR_IO;
	drop_lines(s);
	if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0)
		return s->rc = NC_ERR_IO;
	return NC_OK;
}

int nc_linesort_add(struct nc_linesort *s, const char *line, size_t len)
{
	if (s->rc)
		return s->rc;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		char **v = realloc(s->lines, cap * sizeof *v);
		if (!v)
			return s->rc = NC_ERR_NOMEM;
		s->lines = v;
		s->cap = cap;
	}
	char *copy = malloc(len + 1);
	if (!copy)
		return s->rc = NC_ERR_NOMEM;
	memcpy(copy, line, len);
	copy[len] = '\0';
	s->lines[s->n++] = copy;
	s->bytes += len + 1 + sizeof(char *);
	if (s->bytes >= NC_LINESORT_RUN)
		return spill(s);
	return NC_OK;
}

/* One line of a run, read with getline(): the head of that run. */
struct head {
	char *line;
	size_t cap;
	bool live;
};

int nc_linesort_write(struct nc_linesort *s, FILE *out)
{
	if (s->rc)
		return s->rc;
	if (s->nruns == 0) {
		qsort(s->lines, s->n, sizeof *s->lines, cmp_line);
		for (size_t i = 0; i < s->n; i++)
			if (fputs(s->lines[i], out) == EOF || putc('\n', out) == EOF)
				return s->rc = NC_ERR_IO;
		return NC_OK;
	}
	if (s->n && spill(s))
		return s->rc;
	struct head *h = calloc(s->nruns, sizeof *h);
	if (!h)
		return s->rc = NC_ERR_NOMEM;
	for (size_t i = 0; i < s->nruns; i++)
		h[i].live = getline(&h[i].line, &h[i].cap, s->runs[i]) > 0;
	/* Few runs (one per 8 MB of index), so a linear pick is enough. */
	for (;;) {
		size_t best = s->nruns;
		for (size_t i = 0; i < s->nruns; i++)
			if (h[i].live && (best == s->nruns || strcmp(h[i].line, h[best].line) < 0))
				best = i;
		if (best == s->nruns)
			break;
		if (fputs(h[best].line, out) == EOF) {
			s->rc = NC_ERR_IO;
			break;
		}
		h[best].live = getline(&h[best].line, &h[best].cap, s->runs[best]) > 0;
		if (!h[best].live && ferror(s->runs[best])) {
			s->rc = NC_ERR_IO; /* not the end of that run */
			break;
		}
	}
	for (size_t i = 0; i < s->nruns; i++)
		free(h[i].line);
	free(h);
	return s->rc;
}

void nc_linesort_free(struct nc_linesort *s)
{
	drop_lines(s);
	free(s->lines);
	for (size_t i = 0; i < s->nruns; i++)
		nc_scratch_fclose(s->runs[i]);
	free(s->runs);
	memset(s, 0, sizeof *s);
}

/* The libxml2 floor for bench/scale.sh: on one core, for every input file,
 * skip the front matter, parse the body with htmlReadMemory and serialize
 * it again with htmlDocDumpMemory.  No cleaning, no Markdown, no I/O of
 * outputs: whatever newsconv takes beyond this is its own work.
 *
 *   cc -O2 bench/xmlfloor.c $(pkg-config --cflags --libs libxml-2.0)
 *   xmlfloor [--files-from LIST|-] [FILE...]
 *
 * Prints "N files, B bytes in, S bytes serialized" on stderr; exit 1 if a
 * file could not be read or parsed. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parser.h>

static size_t n_files, n_in, n_out;
static int failed;

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Offset of the body: after a YAML block (--- ... ---) or a JSON object
 * at the start of the file; 0 when there is no front matter. */
static size_t body_offset(const char *s, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	if (n - i >= 3 && memcmp(s + i, "---", 3) == 0) {
		/* the closing line is "---" (or "...") on its own */
		size_t p = i + 3;
		while (p < n && s[p] != '\n')
			p++;
		while (p < n) {
			size_t line = p + 1;
			if (n - line >= 3 && (memcmp(s + line, "---", 3) == 0 || memcmp(s + line, "...", 3) == 0)) {
				size_t q = line + 3;
				while (q < n && (s[q] == ' ' || s[q] == '\t' || s[q] == '\r'))
					q++;
				if (q == n)
					return n;
				if (s[q] == '\n')
					return q + 1;
			}
			p = line;
			while (p < n && s[p] != '\n')
				p++;
		}
		return 0;
	}
	if (i < n && s[i] == '{') {
		int depth = 0, in_str = 0;
		for (size_t p = i; p < n; p++) {
			char c = s[p];
			if (in_str) {
				if (c == '\\')
					p++;
				else if (c == '"')
					in_str = 0;
			} else if (c == '"') {
				in_str = 1;
			} else if (c == '{') {
				depth++;
			} else if (c == '}' && --depth == 0) {
				return p + 1;
			}
		}
		return 0;
	}
	return 0;
}

static void one(const char *path)
{
	size_t len;
	char *buf = slurp(path, &len);
	if (!buf) {
		fprintf(stderr, "xmlfloor: cannot read %s\n", path);
		failed = 1;
		return;
	}
	size_t off = body_offset(buf, len);
	htmlDocPtr doc = htmlReadMemory(buf + off, (int)(len - off), path, "UTF-8",
	                                HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	                                    HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (!doc) {
		fprintf(stderr, "xmlfloor: cannot parse %s\n", path);
		failed = 1;
		free(buf);
		return;
	}
	xmlChar *mem = NULL;
	int size = 0;
	htmlDocDumpMemory(doc, &mem, &size);
	if (mem)
		n_out += (size_t)size;
	xmlFree(mem);
	xmlFreeDoc(doc);
	free(buf);
	n_files++;
	n_in += len - off;
}

static void from_list(const char *list)
{
	FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	if (!f) {
		fprintf(stderr, "xmlfloor: cannot read %s\n", list);
		exit(2);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t r;
	while ((r = getline(&line, &cap, f)) > 0) {
		while (r > 0 && (line[r - 1] == '\n' || line[r - 1] == '\r'))
			line[--r] = '\0';
		if (r > 0)
			one(line);
	}
	free(line);
	if (f != stdin)
		fclose(f);
}

int main(int argc, char **argv)
{
	xmlInitParser();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--files-from") == 0 && i + 1 < argc)
			from_list(argv[++i]);
		else
			one(argv[i]);
	}
	xmlCleanupParser();
	fprintf(stderr, "xmlfloor: %zu files, %zu bytes in, %zu bytes serialized\n",
	        n_files, n_in, n_out);
	return failed;
}

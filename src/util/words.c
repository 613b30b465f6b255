/* words.c - the few words newsconv writes itself into a book or a page
 * (a table of contents' heading, a title page's labels, an embedded
 * video's label, a missing image's placeholder), in English, Chinese (simplified and traditional),
 * Japanese, German, French and Spanish: the languages of the archives
 * it is used on.  Any other language gets the English words, which the
 * writer then marks lang="en" (nc_words_foreign). */
#include <string.h>
#include <strings.h>

#include "util/words.h"

static const struct nc_words en = {
	.lang = "en", .author = "Author", .date = "Date", .category = "Category", .tags = "Tags",
	.source = "Source", .contents = "Contents", .title_page = "Title page", .start = "Start",
	.landmarks = "Landmarks", .sources = "Sources", .articles = "Articles",
	.digest = "Digest", .various = "Various", .other = "Other",
	.uncategorised = "Uncategorised", .undated = "Undated",
	.video = "Video", .audio = "Audio", .embedded = "Embedded content", .image = "Image",
	.one_article = "1 article", .n_articles = "%zu articles",
	.one_source = " from 1 source", .n_sources = " from %zu sources",
};

static const struct nc_words zh_hans = {
	.lang = "zh-Hans", .author = "作者", .date = "日期", .category = "分类", .tags = "标签",
	.source = "原文", .contents = "目录", .title_page = "扉页", .start = "正文",
	.landmarks = "导航", .sources = "来源", .articles = "文章",
	.digest = "文摘", .various = "多位作者", .other = "其他",
	.uncategorised = "未分类", .undated = "无日期",
	.video = "视频", .audio = "音频", .embedded = "嵌入内容", .image = "图片",
	.one_article = "1 篇文章", .n_articles = "%zu 篇文章",
	.one_source = "，来自 1 个来源", .n_sources = "，来自 %zu 个来源",
};

static const struct nc_words zh_hant = {
	.lang = "zh-Hant", .author = "作者", .date = "日期", .category = "分類", .tags = "標籤",
	.source = "原文", .contents = "目錄", .title_page = "扉頁", .start = "正文",
	.landmarks = "導覽", .sources = "來源", .articles = "文章",
	.digest = "文摘", .various = "多位作者", .other = "其他",
	.uncategorised = "未分類", .undated = "無日期",
	.video = "影片", .audio = "音訊", .embedded = "嵌入內容", .image = "圖片",
	.one_article = "1 篇文章", .n_articles = "%zu 篇文章",
	.one_source = "，來自 1 個來源", .n_sources = "，來自 %zu 個來源",
};

static const struct nc_words ja = {
	.lang = "ja", .author = "著者", .date = "日付", .category = "カテゴリ", .tags = "タグ",
	.source = "元記事", .contents = "目次", .title_page = "扉", .start = "本文",
	.landmarks = "ランドマーク", .sources = "出典", .articles = "記事",
	.digest = "ダイジェスト", .various = "複数の著者", .other = "その他",
	.uncategorised = "未分類", .undated = "日付なし",
	.video = "動画", .audio = "音声", .embedded = "埋め込みコンテンツ", .image = "画像",
	.one_article = "1 件の記事", .n_articles = "%zu 件の記事",
	.one_source = "（1 件の出典から）", .n_sources = "（%zu 件の出典から）",
};

static const struct nc_words de = {
	.lang = "de", .author = "Autor", .date = "Datum", .category = "Kategorie", .tags = "Schlagwörter",
	.source = "Quelle", .contents = "Inhalt", .title_page = "Titelseite", .start = "Beginn",
	.landmarks = "Orientierungspunkte", .sources = "Quellen", .articles = "Artikel",
	.digest = "Übersicht", .various = "Verschiedene", .other = "Sonstiges",
	.uncategorised = "Ohne Kategorie", .undated = "Ohne Datum",
	.video = "Video", .audio = "Audio", .embedded = "Eingebetteter Inhalt", .image = "Bild",
	.one_article = "1 Artikel", .n_articles = "%zu Artikel",
	.one_source = " aus 1 Quelle", .n_sources = " aus %zu Quellen",
};

static const struct nc_words fr = {
	.lang = "fr", .author = "Auteur", .date = "Date", .category = "Catégorie", .tags = "Mots-clés",
	.source = "Source", .contents = "Sommaire", .title_page = "Page de titre", .start = "Début",
	.landmarks = "Repères", .sources = "Sources", .articles = "Articles",
	.digest = "Sélection", .various = "Divers", .other = "Autres",
	.uncategorised = "Sans catégorie", .undated = "Sans date",
	.video = "Vidéo", .audio = "Audio", .embedded = "Contenu intégré", .image = "Image",
	.one_article = "1 article", .n_articles = "%zu articles",
	.one_source = " de 1 source", .n_sources = " de %zu sources",
};

static const struct nc_words es = {
	.lang = "es", .author = "Autor", .date = "Fecha", .category = "Categoría", .tags = "Etiquetas",
	.source = "Fuente", .contents = "Índice", .title_page = "Portada", .start = "Inicio",
	.landmarks = "Puntos de referencia", .sources = "Fuentes", .articles = "Artículos",
	.digest = "Resumen", .various = "Varios", .other = "Otros",
	.uncategorised = "Sin categoría", .undated = "Sin fecha",
	.video = "Vídeo", .audio = "Audio", .embedded = "Contenido incrustado", .image = "Imagen",
	.one_article = "1 artículo", .n_articles = "%zu artículos",
	.one_source = " de 1 fuente", .n_sources = " de %zu fuentes",
};

/* The primary language subtag's length ("zh-TW" -> 2). */
static size_t primary_len(const char *tag)
{
	return strcspn(tag, "-_");
}

static bool has_subtag(const char *tag, const char *sub)
{
	size_t n = strlen(sub);
	for (const char *p = tag; (p = strpbrk(p, "-_")) != NULL; p++)
		if (!strncasecmp(p + 1, sub, n) && (p[1 + n] == '\0' || p[1 + n] == '-' || p[1 + n] == '_'))
			return true;
	return false;
}

/* Traditional characters: said by the script, else by the region. */
static bool traditional(const char *tag)
{
	if (has_subtag(tag, "Hans"))
		return false;
	return has_subtag(tag, "Hant") || has_subtag(tag, "TW") || has_subtag(tag, "HK") ||
	       has_subtag(tag, "MO");
}

const struct nc_words *nc_words_for(const char *lang)
{
	if (!lang)
		return &en;
	size_t n = primary_len(lang);
	static const struct { const char *code; const struct nc_words *w; } table[] = {
		{"ja", &ja}, {"de", &de}, {"fr", &fr}, {"es", &es}, {"en", &en},
	};
	if (n == 2 && !strncasecmp(lang, "zh", 2))
		return traditional(lang) ? &zh_hant : &zh_hans;
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		if (n == 2 && !strncasecmp(lang, table[i].code, 2))
			return table[i].w;
	return &en;
}

bool nc_words_foreign(const struct nc_words *w, const char *lang)
{
	size_t n = lang ? primary_len(lang) : 0;
	size_t k = primary_len(w->lang);
	return !lang || n != k || strncasecmp(lang, w->lang, k) != 0;
}

#!/usr/bin/env python3
"""The reader view's rules on small generated pages (src/extract.c):
  rule 2: lines of text cut by <br> in a container (no <p>) score it,
          so the names of the page decide nothing on their own;
  rule 4: a heading whose section inside the article was all dropped
          ("Related articles" over its list of links) goes with it;
  rule 4: a short block announcing the page's own matter ("Lesen Sie
          auch:", "Mehr zum Thema") goes, a heading saying so with its
          section;
  rule 3: the body found inside a marked <article> widens to it;
  rule 4: short lines after the article's last paragraph go (the tail)."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["SOURCE_ROOT"], "tests"))
from nctest import NC, check, done

HEAD = "<!DOCTYPE html><html><head><title>T</title></head><body>"
NAV = "<div id='top'><ul>" + "".join(f"<li><a href='/{i}'>Section {i}</a></li>" for i in range(8)) + "</ul></div>"
LINES = "<br>\n".join(
    f"Line {i} of the review: the handbook explains the law of the internet in plain words, "
    f"with many examples, and it is worth its price" for i in range(8))


def text(page):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "page.html")
        with open(src, "w", encoding="utf-8") as f:
            f.write(page)
        r = subprocess.run([NC, "--to", "json", "-q", "-o", "-", src],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 0, "converts", r)
        return json.dumps(json.loads(r.stdout).get("body", {}), ensure_ascii=False) if r.returncode == 0 else ""


# <br> lines: the article's body is text between headings, no <p>; its
# comments section is named and must go, which it only does when the
# article is found on the first try.
t = text(HEAD + NAV + "<div id='content'><div class='entry'><h1>A review</h1>"
         "<section class='body'><h2>Contents</h2>" + LINES + "<h2>Verdict</h2>" + LINES + "</section>"
         "<div class='comments'><h3>Write a comment</h3><p>Name</p><p>E-mail</p></div></div></div>"
         "<div class='foot'>Imprint</div></body></html>")
check("Line 7 of the review" in t and "Verdict" in t, "rule 2, <br> lines: the article is kept", t)
check("Write a comment" not in t, "rule 2, <br> lines: the comments class is dropped", t)

# An orphaned heading: the list under "Related articles" is mostly links
# (a leftover); its heading goes too, the article's own headings stay.
para = "".join(f"<p>Paragraph {i}: the committee met, talked at length, and agreed on a plan "
               f"for the coming year, with a budget and a timetable.</p>" for i in range(5))
t = text(HEAD + NAV + "<article><h1>The plan</h1>" + para + "<h2>What comes next</h2>" + para +
         "<h2>Related articles</h2><ul>" +
         "".join(f"<li><a href='/r{i}'>Another story number {i}</a></li>" for i in range(5)) +
         "</ul></article></body></html>")
check("What comes next" in t and "The plan" in t, "rule 4, orphan heading: the article's headings kept", t)
check("Another story" not in t, "rule 4, orphan heading: the list of links dropped", t)
check("Related articles" not in t, "rule 4, orphan heading: its heading dropped too", t)

# Announcements, in German: the label paragraph and the heading's section
# (its teaser paragraph is prose, and goes with its heading).
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para +
         "<p><strong>Lesen Sie auch:</strong></p>" + para +
         "<h2>Mehr zum Thema</h2><p>Wie der Ausschuss im letzten Jahr den Haushalt beschlossen hat, "
         "und warum es so lange dauerte.</p><h2>Das Ergebnis</h2><p>The end of the story, as a "
         "paragraph of the article that stays where it is.</p></article></body></html>")
check("Der Plan" in t and "Das Ergebnis" in t and "The end of the story" in t,
      "rule 4, announcements: the article and its own headings kept", t)
check("Lesen Sie auch" not in t, "rule 4, announcements: a 'Lesen Sie auch:' label dropped", t)
check("Mehr zum Thema" not in t and "Haushalt beschlossen" not in t,
      "rule 4, announcements: a 'Mehr zum Thema' heading dropped with its section", t)

# Labels go alone: a photo credit and a copyright line, not the caption.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para +
         "<figure><img src='a.jpg' alt='Der Saal'><figcaption>Der Saal am Abend der Abstimmung, "
         "voll wie selten zuvor.</figcaption></figure><p>Foto: Max Muster</p>" + para +
         "<p>© 2024 Beispielverlag</p></article></body></html>")
check("Der Saal am Abend" in t, "rule 4, labels: the caption kept", t)
check("Max Muster" not in t and "Beispielverlag" not in t,
      "rule 4, labels: the photo credit and the copyright line dropped", t)


# Rule 1's names: a weak name ("read-more") over a block of prose is a
# guess the text overrules; an id of five words is a heading's slug, not
# a name ("sharing-with-a-single-developer" is no share bar).
more = "".join(f"<p>Rest {i}: the mayor said the works would end in May, and that the "
               f"town would pay for them from its reserves, not from new taxes.</p>" for i in range(6))
t = text(HEAD + NAV + "<div id='story'>" + para + "<div id='read-more'>" + more + "</div></div>"
         "<div id='menu-more'><ul>" + "".join(f"<li><a href='/m{i}'>Menu entry {i}</a></li>" for i in range(30)) +
         "</ul></div></body></html>")
check("Rest 5: the mayor" in t, "rule 1: prose under a weak name ('read-more') kept", t)
check("Menu entry" not in t, "rule 1: links under a weak name ('menu-more') still dropped", t)
t = text(HEAD + NAV + "<div class='document'><h1>Sharing</h1>" + para + para + para +
         "<div id='sharing-with-a-single-developer'><h2>Sharing with a single developer</h2>" + more +
         "</div></div><div class='sharing'><a href='/t'>Tweet</a> <a href='/f'>Post</a></div></body></html>")
check("Rest 5: the mayor" in t and "Sharing with a single developer" in t,
      "rule 1: an id of five words is a slug, not a name: its section kept", t)
check("Tweet" not in t, "rule 1: the share bar by class still dropped", t)

# A <header> of prose (a long standfirst) is not the page's header.
t = text(HEAD + "<header><a href='/'>Home</a> <a href='/news'>News</a></header><article>"
         "<header><h1>The plan</h1>" + more + "</header>" + para + para + para + "</article></body></html>")
check("Rest 5: the mayor" in t, "rule 1: a <header> of prose inside the article kept", t)
check("News" not in t, "rule 1: the page's <header> of links dropped", t)

# Rule 5 keeps the page when no article stands out, less its <nav> and
# <footer> (no guess: their tags say so).
t = text(HEAD + "<nav><a href='/'>Home</a> <a href='/shop'>Shop</a></nav>" +
         "".join(f"<div>Opening hour {i}: 9 to 5</div>" for i in range(20)) +
         "<footer>Imprint and privacy</footer></body></html>")
check("Opening hour 19" in t, "rule 5: no article stands out: the page is kept", t)
check("Shop" not in t and "Imprint" not in t, "rule 5: less its <nav> and <footer>", t)

# "Read also: <another story>" longer than 60 characters goes too.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para +
         "<p>Lea también: El consejo municipal aprueba el presupuesto de obras para el puente viejo</p>" +
         para + "</article></body></html>")
check("Paragraph 4" in t and "consejo municipal" not in t,
      "rule 4, announcements: a long 'Lea también: <story>' dropped", t)
# Rule 3: the body found inside a marked <article> widens to it: the
# standfirst beside the body (in its own box, with a date) is the
# article's.
t = text(HEAD + NAV + "<article><div class='opening'><div class='intro'><h1>Der Plan</h1><p>The "
         "standfirst: the council agreed on the plan after a long night, and the works start in "
         "May.</p><p>The mayor, who had asked for the vote, spoke of a good day for the town and "
         "its old bridge.</p><span>1 May 2024</span></div></div><div class='body'><div class='text'>" +
         para + "</div></div></article>"
         "<div class='more'>" + "".join(f"<p><a href='/o{i}'>Other story {i}</a></p>" for i in range(6)) +
         "</div></body></html>")
check("The standfirst" in t and "Paragraph 4" in t,
      "rule 3, widen: the standfirst beside the body inside <article> kept", t)
check("Other story" not in t, "rule 3, widen: the page outside the <article> still dropped", t)

# Rule 4, the tail: short lines after the last paragraph that end no
# sentence go; a signature beside that paragraph, a table cell, stay.
t = text(HEAD + NAV + "<div id='main'><div class='text'>" + para + para +
         "<p>Euer Hans</p></div><table><tr><td>Length in cm</td><td>478,5</td></tr></table>"
         "<div class='after'><p>Bisher keine Kommentare</p><p>Quelle Statista, Bearbeitung Redaktion</p>"
         "</div></div></body></html>")
check("Paragraph 4" in t and "Euer Hans" in t and "478,5" in t,
      "rule 4, tail: the signature beside the last paragraph and the table kept", t)
check("Bisher keine Kommentare" not in t and "Quelle Statista" not in t,
      "rule 4, tail: short lines after the last paragraph dropped", t)
# Rule 4's announcements, more of them: an author box under its heading,
# "Zurück zur Übersicht", "Was this article helpful?".
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para + "<p>Zurück zur Übersicht</p>"
         "<h3>Über den Autor</h3><p>Hans schreibt seit zwanzig Jahren über den Stadtrat, die "
         "Brücken und das Wetter.</p><p>Was this article helpful?</p></article></body></html>")
check("Paragraph 4" in t, "rule 4, announcements (author box): the article kept", t)
check("Zurück zur" not in t and "Über den Autor" not in t and "seit zwanzig Jahren" not in t and
      "helpful" not in t, "rule 4, announcements: author box, 'Zurück zur', 'helpful?' dropped", t)
# Rule 1: prose holding most of the <article> around it is spared
# whatever its names ("entry share": a theme's flag on the body).
t = text(HEAD + NAV + "<article><h1>Der Plan</h1><div class='entry share'>" + para + more +
         "</div><div class='share'><a href='/t'>Tweet</a> <a href='/f'>Post</a></div></article>"
         "<aside>" + more + more + "</aside></body></html>")
check("Rest 5: the mayor" in t and "Paragraph 4" in t,
      "rule 1: prose holding most of its <article> kept despite 'share'", t)
check("Tweet" not in t, "rule 1: the share bar beside it still dropped", t)
# ... "VEA TAMBIÉN: <another story>", a print button, a table of contents
# under its heading, "Alle Angaben ohne Gewähr".
t = text(HEAD + NAV + "<article><h1>Der Plan</h1><p>Rezept drucken</p><h2>Inhaltsverzeichnis</h2>"
         "<ol><li>Der Plan im Stadtrat</li><li>Die Kosten</li></ol><h2>Der Stadtrat</h2>" + para +
         "<p>VEA TAMBIÉN: El consejo municipal aprueba el presupuesto</p>" + para +
         "<p>Alle Angaben ohne Gewähr</p>" + para + "</article></body></html>")
check("Der Stadtrat" in t and "Paragraph 4" in t, "rule 4, announcements (print, contents): the article kept", t)
check("drucken" not in t and "Inhaltsverzeichnis" not in t and "Die Kosten" not in t and
      "VEA TAMBI" not in t and "ohne Gewähr" not in t,
      "rule 4, announcements: print button, table of contents, 'VEA TAMBIÉN:', 'ohne Gewähr' dropped", t)
# Rule 1: "author" and "paywall" name boilerplate whatever else the
# element is called ("post-author" is an author box, not the post).
t = text(HEAD + NAV + "<article class='post'><h1>Der Plan</h1><div class='post-content'>" + para +
         "</div><div class='post-author'><p>Hallo, ich bin Hans, ich schreibe seit zwanzig Jahren "
         "über den Stadtrat, die Brücken und das Wetter, und ich trinke gern Kaffee.</p></div>"
         "<div class='paywall-content'><p>Pour lire la suite, abonnez-vous à notre journal, et "
         "vous aurez accès à tous nos articles, tous les jours.</p></div></article></body></html>")
check("Paragraph 4" in t, "rule 1 (author, paywall): the article kept", t)
check("ich bin Hans" not in t and "Pour lire la suite" not in t,
      "rule 1: the 'post-author' box and the 'paywall-content' block dropped", t)
# Rule 1: a <header> inside an <article> holding a paragraph is the
# article's (its standfirst stays); the page's <header> still goes.
t = text(HEAD + "<header><a href='/'>Home</a> <a href='/news'>News</a></header><article><header>"
         "<h1>The plan</h1><p>The standfirst: the council agreed on the plan after a long night, at last.</p>"
         "</header>" + para + para + "</article></body></html>")
check("The standfirst" in t and "Paragraph 4" in t, "rule 1: an <article>'s <header> with a standfirst kept", t)
check("News" not in t, "rule 1: the page's <header> still dropped", t)
# Rule 3: the story split into rows of a page builder: a row of 200+
# characters with few links and no <article> joins; a comment list made
# of <article>s does not.
t = text(HEAD + NAV + "<div class='page'><div class='row'><div class='col'>" + para + "</div></div>"
         "<div class='row'><div class='col'><div class='box'><div class='in'><p>Row two: the works "
         "will close the old bridge for a month, and the buses will take the long way round.</p>"
         "<p>Row two again: the town will pay for them from its reserves, not from new taxes, "
         "said the mayor.</p><p>Row two, the end: the new bridge opens in the spring.</p></div></div>"
         "</div></div><div class='list'><article><p>A reader wrote: "
         "the bridge was fine as it was, and the money should go to the schools instead.</p></article>"
         "<article><p>Another reader wrote: at last, the bridge was falling apart, and it is about "
         "time.</p></article></div></div></body></html>")
check("Paragraph 4" in t and "Row two again" in t, "rule 3, rows: the story's second row joins", t)
check("A reader wrote" not in t, "rule 3, rows: a list of <article>s (comments) does not", t)
# Rule 4, galleries: a list of eight items or more, half of them with a
# heading, goes; the article's own list (no headings) stays.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para + "<ul><li>First step</li><li>Second step"
         "</li><li>Third step</li></ul>" + para + "<h2>Business news in pictures</h2><ul>" +
         "".join(f"<li><h2>{i}/10 Another story</h2><p>Story {i}: the markets fell, and the banks "
                 f"lost money, again, said the analysts.</p></li>" for i in range(10)) +
         "</ul></article></body></html>")
check("Paragraph 4" in t and "Third step" in t, "rule 4, galleries: the article and its own list kept", t)
check("Another story" not in t and "the markets fell" not in t,
      "rule 4, galleries: a list of ten items with headings dropped", t)
# ... "Mehr erfahren", "Read next", "Lees meer" (links onwards).
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para + "<p>Mehr erfahren</p>" + para +
         "<h3>Read next</h3><p>The bridge, the council and the money: a history of the town hall.</p>"
         "<h3>The end</h3>" + para + "<p>Lees meer</p></article></body></html>")
check("Paragraph 4" in t and "The end" in t, "rule 4, announcements (onwards): the article kept", t)
check("Mehr erfahren" not in t and "Read next" not in t and "a history of the town hall" not in t and
      "Lees meer" not in t, "rule 4, announcements: 'Mehr erfahren', 'Read next' and its section, 'Lees meer' dropped", t)
# Rule 4's leftovers are boxes, not words: a linked name in a <span>
# inside a sentence stays.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para + "<p>The bank <span class='entity'>"
         "<a href='/jpm'>JPMorgan Chase</a></span> lent the town the money, at a low rate.</p>" + para +
         "</article></body></html>")
check("JPMorgan Chase" in t and "lent the town" in t, "rule 4: a linked name in a <span> inside a sentence kept", t)

def dropped(page):
    """The --to json "extract" report's dropped blocks: {path: reason}."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "page.html")
        with open(src, "w", encoding="utf-8") as f:
            f.write(page)
        r = subprocess.run([NC, "--to", "json", "-q", "-o", "-", src],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 0, "converts", r)
        if r.returncode:
            return {}
        return {d["path"]: d["reason"] for d in json.loads(r.stdout).get("extract", {}).get("dropped", [])}


# --to json: each dropped block's reason is the rule that dropped it: a
# short announcement inside the article (rule 4), the <nav> (rule 1's
# tag), and a block of prose outside the article whose weak name rule 1
# spared (rules 2 and 3 chose elsewhere, no name dropped it).
PROMO = ("<div class='promo'><div><p>A promotion of a kind that reads like prose and is long enough "
         "to be spared by its weak name. The shop sells shoes and hats and coats for the winter and it "
         "is open every day of the week from nine to five and on Sundays as well. <a href='/shop'>The "
         "owner has run it for thirty years now</a> and knows every customer by name. The prices are "
         "low and the coffee is free for those who wait. The dog of the house sleeps by the door all "
         "day long and barks at nobody. <a href='/dog'>The owner calls it a miracle and the town calls "
         "it a good dog</a> so come and see the shop and the dog. The baker next door sells bread and "
         "cakes and the butcher across the road sells sausages and ham and the market on the square is "
         "held on Fridays.</p></div></div>")
d = dropped(HEAD + "<nav><a href='/'>Home</a> <a href='/n'>News</a></nav><div id='wrap'><article>"
            "<h1>Der Plan</h1>" + para + "<p>Lesen Sie auch:</p>" + para + "</article></div>" + PROMO +
            "</body></html>")
check(d.get("nav") == "boilerplate element", "--to json reasons: the <nav> by its tag", d)
check(d.get("div#wrap>article>p") == "announces the page's matter",
      "--to json reasons: 'Lesen Sie auch:' by rule 4's announcements, not 'leftover'", d)
check(d.get("div.promo") == "outside the article",
      "--to json reasons: spared prose outside the article is outside it, not 'boilerplate class or id'", d)
# Rule 4, credits: a photo credit ending a caption goes, the caption's
# words stay; a caption that is all credit goes whole; a caption that
# only speaks of a photo, with a sentence after the word, is kept.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para +
         "<figure><img src='a.jpg' alt=''><figcaption>Der Saal am Abend der Abstimmung. Foto: "
         "<a href='/m'>Max Muster</a></figcaption></figure>" + para +
         "<figure><img src='b.jpg' alt=''><figcaption>The mayor after the vote (REUTERS/Jane Roe)"
         "</figcaption></figure><figure><img src='c.jpg' alt=''><figcaption>© Stadtarchiv"
         "</figcaption></figure><figure><img src='d.jpg' alt=''><figcaption>The old photo: the "
         "bridge in 1900, before the flood. It stood for another forty years and saw two wars."
         "</figcaption></figure>" + para + "</article></body></html>")
check("Der Saal am Abend der Abstimmung" in t and "The mayor after the vote" in t,
      "rule 4, credits: the captions' words kept", t)
check("Max Muster" not in t and "Jane Roe" not in t and "Stadtarchiv" not in t,
      "rule 4, credits: 'Foto: <a>X</a>', '(REUTERS/X)' and a caption of '© X' dropped", t)
check("It stood for another forty years" in t, "rule 4, credits: a caption speaking of a photo kept", t)
# Rule 4, calls to action: the article's last short blocks asking the
# reader to subscribe, donate or follow go; the same words inside the
# article, or in a long closing paragraph, stay.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para +
         "<p>Subscribers of the old paper, the mayor said, will get the new one for free.</p>" + para +
         "<p>Die Stadt will die Vereine mit Spenden unterstützen.</p>"
         "<p>We wrote about the bridge for our readers last year.</p>"
         "<p>Follow the money, said the judge.</p><p>Download the report from the council.</p>"
         "<p>“It will support our families,” the mayor said.</p>"
         "<p>Unterstützen Sie uns mit einer Spende!</p><p><strong>Subscribe now to our e-edition for the full story.</strong></p>"
         "<p>Folgen Sie uns auf Telegram und WhatsApp!</p><p>Follow The Daily on Twitter and Instagram.</p>"
         "<p>&nbsp;</p></article></body></html>")
check("Subscribers of the old paper" in t and "Paragraph 4" in t and "die Vereine mit Spenden" in t,
      "rule 4, calls to action: the article, its mention of subscribers and its last sentence on "
      "donations (not spoken to the reader) kept", t)
check("Unterstützen Sie uns" not in t, "rule 4, calls to action: 'Unterstützen Sie uns ...' dropped", t)
check("Follow the money" in t and "Download the report" in t,
      "rule 4, calls to action: 'Follow the money' names no network, 'Download the report' no app: kept", t)
check("It will support our families" in t, "rule 4, calls to action: a quote asking for support is the story's: kept", t)
check("We wrote about the bridge" in t, "rule 4, calls to action: 'about ... our' is no call ('abo' is a whole word)", t)
check("e-edition" not in t and "Telegram" not in t and "The Daily on Twitter" not in t,
      "rule 4, calls to action: 'Subscribe now ...' and 'Folgen Sie uns ...' at the end dropped "
      "(a stray &nbsp; after them does not hide them)", t)
# Rule 1: disclaimers, disclosures, affiliate notes and copyright boxes
# are the page's, whatever else they are called ("article-copyright").
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para +
         "<div class='editorial-disclaimer'><p>The views in this post are the author's, not those of "
         "the paper or its owners.</p></div>" + para +
         "<p class='aawp-disclosure'>We earn a commission on the links to the shop on this page.</p>"
         "<div class='article-copyright'><p>Reproduction only with written permission.</p></div>"
         "</article></body></html>")
check("Paragraph 4" in t, "rule 1 (disclaimer, copyright): the article kept", t)
check("views in this post" not in t and "commission" not in t and "Reproduction only" not in t,
      "rule 1: 'editorial-disclaimer', 'aawp-disclosure' and 'article-copyright' dropped", t)
# Rule 4, announcements: a phrase of two words or more whose clause ends
# in a colon labels what follows ("Lesen Sie auch die folgenden
# Beiträge:"); a one-word phrase that is also a name does not ("Mira").
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para +
         "<p><strong>Lesen Sie auch die folgenden Beiträge:</strong><br><a href='/a'>Der Haushalt</a>"
         "<br><a href='/b'>Die Brücke</a></p><p>Mira Weber, die Kämmerin, sagte: Das Geld reicht.</p>" +
         para + "</article></body></html>")
check("Mira Weber" in t and "Paragraph 4" in t, "rule 4, colon labels: the article and 'Mira Weber ... sagte:' kept", t)
check("folgenden Beiträge" not in t and "Die Brücke" not in t,
      "rule 4, colon labels: 'Lesen Sie auch die folgenden Beiträge:' and its links dropped", t)
# Rule 5 with a tiny article: the page is kept less all of rule 1's
# junk, names too (its share bar, its comments), as long as the names
# leave a fifth of the text.
t = text(HEAD + "<nav><a href='/'>Home</a></nav><div class='site'>" +
         "".join(f"<a href='/p{i}'>Another page of the blog, number {i}</a> " for i in range(8)) +
         "</div><div class='post'><h1>Monstergespräche</h1><p>M: Wer "
         "rutscht als nächstes aus? Ich: Du. M: Gewonnen!</p><div class='sharedaddy'><h3>Teilen Sie "
         "dies mit:</h3><a href='/t'>Twitter</a></div><div class='comments'><h3>Kommentare sind "
         "geschlossen.</h3></div></div><div class='related-posts'><p>Ähnliche Beiträge</p></div>"
         "</body></html>")
check("Gewonnen" in t, "rule 5, tiny article: the article kept", t)
check("Teilen Sie" not in t and "geschlossen" not in t and "Ähnliche" not in t,
      "rule 5, tiny article: its share bar, comments and related posts dropped by their names", t)
# Rule 4, the lead picture: a caption before the article's first
# paragraph goes; one between its paragraphs stays.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1><figure><img src='l.jpg' alt=''><figcaption>Striking "
         "members of the union outside the town hall</figcaption></figure>" + para +
         "<figure><img src='m.jpg' alt=''><figcaption>The old bridge in winter</figcaption></figure>" +
         para + "</article></body></html>")
check("The old bridge in winter" in t and "Paragraph 4" in t,
      "rule 4, lead picture: the article and a caption between its paragraphs kept", t)
check("Striking members" not in t, "rule 4, lead picture: the caption above the first paragraph dropped", t)
# Rule 1: a <header> outside any <article> holding a heading and a
# paragraph of prose is the story's headline and standfirst.
t = text(HEAD + "<header class='site'><a href='/'>Home</a> <a href='/news'>News</a></header><main>"
         "<header class='entry-header'><h1>The plan</h1><div class='lead'><p>The standfirst: the council "
         "agreed on the plan after a long night, and the works start in May.</p></div></header>"
         "<div class='entry-content'>" + para + para + "</div></main></body></html>")
check("The standfirst" in t and "Paragraph 4" in t, "rule 1: a <header> with a heading and a standfirst kept", t)
check("News" not in t, "rule 1: the page's <header> of links still dropped", t)
# Rule 4, announcements: a press release's contact box under its
# heading ("Kontakt", "Weitere Informationen:") is the page's.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para + "<p><strong>Weitere Informationen:</strong></p>"
         "<h3>Kontakt</h3><p>Pressestelle, Tel. 040 123456, presse@example.org</p></article></body></html>")
check("Paragraph 4" in t, "rule 4, contact: the article kept", t)
check("Weitere Informationen" not in t and "Pressestelle" not in t,
      "rule 4, contact: 'Weitere Informationen:' and the 'Kontakt' section dropped", t)
# Rule 4, announcements: a short line asking to share, ending in a
# colon, question or exclamation mark, goes; a sentence about sharing
# stays.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para + "<p>Die Städte teilen sich die Kosten.</p>"
         "<p>Möchten Sie den Artikel teilen?</p><div><span>Be Sociable, Share!</span></div>" + para +
         "</article></body></html>")
check("Die Städte teilen sich" in t and "Paragraph 4" in t, "rule 4, share prompts: the article kept", t)
check("Möchten Sie den Artikel" not in t and "Be Sociable" not in t,
      "rule 4, share prompts: 'Möchten Sie den Artikel teilen?' and 'Be Sociable, Share!' dropped", t)
# Rule 4, credits: a caption is also a block whose class says legend,
# image description or Bildunterschrift; "Beitragsbild", "public
# domain" are credits.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para + "<div><img src='x.jpg' alt=''><p "
         "class='imagedescription'>Der neue Bürgermeister im Rathaus (AFP / Jane Roe)</p></div><p>Beitragsbild</p>" +
         para + "</article></body></html>")
check("Der neue Bürgermeister im Rathaus" in t, "rule 4, credits: an image description's words kept", t)
check("Jane Roe" not in t and "Beitragsbild" not in t,
      "rule 4, credits: the agency credit in a p.imagedescription and 'Beitragsbild' dropped", t)
# Rule 4, announcements: the page's buttons and hints ("Lade weitere
# Inhalte", "Zum Vergrößern auf das Bild klicken").
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para + "<p>Zum Vergrößern auf das Bild klicken</p>" +
         para + "<div><span>Lade weitere Inhalte</span></div></article></body></html>")
check("Paragraph 4" in t, "rule 4, hints: the article kept", t)
check("Vergrößern" not in t and "Lade weitere" not in t, "rule 4, hints: 'Zum Vergrößern ...', 'Lade weitere Inhalte' dropped", t)
# The content itself is never dropped by a caption rule: a story inside
# a block whose class says "legend" (freed, it was read after: a
# use-after-free the fuzzer found).
t = text(HEAD + NAV + "<div class='legend-story'>" + para + para + "</div><div class='more'>" +
         "".join(f"<p><a href='/o{i}'>Other story {i}</a></p>" for i in range(6)) + "</div></body></html>")
check("Paragraph 4" in t, "content named like a caption: the article kept (no use after free)", t)
# Rule 4, labels: the page's dates, counters and categories ("Release
# Date: ...", "Kategorie: News", "Aufrufe: 1234", "5 min read").
t = text(HEAD + NAV + "<article><h1>Der Plan</h1><p>Kategorie: News</p><p>Release Date: 1 May</p>" + para +
         "<p>Aufrufe: 1234</p></article></body></html>")
check("Paragraph 4" in t, "rule 4, page labels: the article kept", t)
check("Kategorie" not in t and "Release Date" not in t and "Aufrufe" not in t,
      "rule 4, page labels: 'Kategorie:', 'Release Date:', 'Aufrufe:' dropped", t)
# Rule 4, notes of the page: whose opinion a text is, its licence, where
# it appeared, the login a comment needs; found anywhere in a short
# block, and never in reported speech.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para +
         "<p>Dieser Beitrag gibt die Meinung des Autors wieder, nicht notwendigerweise die der Redaktion.</p>"
         "<p><em>Les opinions exprimées dans les blogs n'engagent que leurs auteurs.</em></p>"
         "<p>Dieser Text wurde veröffentlicht unter der Lizenz CC-BY-NC-ND.</p>"
         "<p>Sie müssen sich <a href='/login'>anmelden</a> um Kommentare zu schreiben.</p>"
         "<p>\u201cThis does not necessarily reflect the views of the council,\u201d the mayor said.</p>"
         + para + "<p>Latest on:</p><p>Crédits photos : Bestimage</p></article></body></html>")
check("Paragraph 4" in t and "the mayor said" in t,
      "rule 4, notes: the article and a quote saying 'necessarily reflect' kept", t)
check("Meinung des Autors" not in t and "engagent" not in t and "Lizenz" not in t and
      "Kommentare zu schreiben" not in t, "rule 4, notes: opinion, licence and login notes dropped", t)
check("Latest on" not in t and "Bestimage" not in t, "rule 4: 'Latest on:' and 'Crédits photos' dropped", t)
# Rule 1: a sidebar holding most of the page's text is no wrapper when
# it sits beside the page's marked <article> (a short article, a long
# newsletter form in the sidebar).
short = ("<p>Die Sprecherin war zu Gast im Radio, um über den Start des Volksbegehrens gegen den "
         "Verkauf der Flughäfen zu sprechen, und sie erklärte die nächsten Schritte bis zum Sommer.</p>"
         "<p>Die Sendung ist online zu hören, und das Gespräch dauert zwanzig Minuten.</p>")
form = "".join(f"<p>Termine der Gruppen, Abschnitt {i}: die Ortsgruppe trifft sich am ersten Montag "
               f"im Monat im Saal der Bibliothek, und der Eintritt ist frei.</p>" for i in range(12))
t = text(HEAD + NAV + "<div class='row'><div id='content'><article><h1>Der Plan</h1>" + short +
         "</article></div><div class='aside secondary' id='aside'><h2>Termine</h2>" + form +
         "</div></div></body></html>")
check("zu Gast im Radio" in t, "rule 1, sidebar beside a short article: the article kept", t)
check("Abschnitt 3" not in t and "Termine" not in t,
      "rule 1, sidebar beside a short article: the sidebar ('aside') dropped", t)
# Rule 4: a short call to action ending in an exclamation mark goes
# anywhere in the article, not only at its end; a question asking the
# same, or a quoted cry, stays.
t = text(HEAD + NAV + "<article><h1>Der Plan</h1>" + para +
         "<p>Never miss the latest news by signing up to our newsletter today!</p>" + para +
         "<p>Jede kleine Spende hilft, unterstützen Sie uns!</p>"
         "<p>\u201eUnterstützen Sie uns!\u201c, rief die Sprecherin den Gästen zu.</p>"
         "<p>Would you subscribe to a paper that prints only good news?</p>" + para +
         "</article></body></html>")
check("rief die Sprecherin" in t and "only good news" in t and "Paragraph 4" in t,
      "rule 4, calls in the middle: a quoted cry and a question kept", t)
check("Never miss" not in t and "Jede kleine Spende" not in t,
      "rule 4, calls in the middle: exclaimed calls dropped", t)
done("extract_rules")

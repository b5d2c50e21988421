/* tests/unit/test_feed_html.c — the HTML stage: the allowlist sanitizer
 * (elements, attributes, URL schemes, CSS, comments, script content), URL
 * resolution inside HTML, the plain-text rendering, URL joining, and the
 * feed a web page links to (autodiscovery). */
#include <stdlib.h>
#include <string.h>

#include "feeds/html.h"
#include "feeds/uri.h"
#include "tests/unit/tap.h"

static void san(const char *in, const char *base, const char *want, const char *what)
{
	char *out = html_sanitize(in, strlen(in), base, 0);

	is_str(out, want, what);
	free(out);
}

static void text(const char *in, const char *want, const char *what)
{
	char *out = html_to_text(in, strlen(in));

	is_str(out, want, what);
	free(out);
}

static void join(const char *base, const char *ref, const char *want)
{
	char *out = uri_join(base, ref);
	char what[256];

	snprintf(what, sizeof what, "join %s + %s", base, ref);
	is_str(out, want, what);
	free(out);
}

static void feedlink(const char *page, const char *want, const char *what)
{
	char *out = html_feed_link(page, strlen(page), "https://example.org/news/today.html");

	is_str(out, want, what);
	free(out);
}

/* Autodiscovery, as blog engines and news sites write their <head>. */
static void test_feed_link(void)
{
	feedlink("<html><head><link rel=\"alternate\" type=\"application/rss+xml\""
	         " href=\"https://example.org/feed.xml\"></head><body>x</body></html>",
	         "https://example.org/feed.xml", "an RSS alternate link");
	feedlink("<link rel=alternate type=application/atom+xml href=/atom>",
	         "https://example.org/atom", "an Atom one, unquoted, resolved against the page");
	feedlink("<LINK REL=\"Alternate\" TYPE=\"Application/RSS+XML; charset=UTF-8\""
	         " HREF=\"rss.xml\">", "https://example.org/news/rss.xml",
	         "names and values in any case, a type's parameters, a relative href");
	/* a Latin-1 page's href: its bytes that are not UTF-8 as curl sends
	 * them, since the URL is stored and logged as text (UTF-8); one in
	 * UTF-8 as it is */
	feedlink("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/flux-\xe9t\xe9.xml\">",
	         "https://example.org/flux-%E9t%E9.xml", "a byte that is not UTF-8 percent-encoded");
	feedlink("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/flux-\xc3\xa9t\xc3\xa9.xml\">",
	         "https://example.org/flux-\xc3\xa9t\xc3\xa9.xml", "UTF-8 as it is");
	feedlink("<base href=\"https://cdn.example.net/blog/\">"
	         "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"feed/\">",
	         "https://cdn.example.net/blog/feed/", "resolved against <base href>");
	feedlink("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"feed/\">"
	         "<base href=\"/blog/\">", "https://example.org/blog/feed/",
	         "a <base> after the link still applies, itself relative to the page");
	feedlink("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Site &raquo;"
	         " Comments Feed\" href=\"/comments/feed/\">"
	         "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Site &raquo; Feed\""
	         " href=\"/feed/\">", "https://example.org/feed/",
	         "the site's feed before the comments' listed first");
	feedlink("<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Comments\""
	         " href=\"/comments/feed/\">", "https://example.org/comments/feed/",
	         "a comment feed when it is the only one");
	feedlink("<link rel=\"alternate\" type=\"text/html\" hreflang=\"fr\" href=\"/fr/\">"
	         "<link rel=\"stylesheet\" type=\"text/css\" href=\"/s.css\">"
	         "<link rel=\"alternate\" href=\"/untyped.xml\">"
	         "<link rel=\"home alternate\" type=\"application/rdf+xml\" href=\"/index.rdf\">",
	         "https://example.org/index.rdf",
	         "other alternates, stylesheets and untyped links passed over; rel is a list");
	feedlink("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/a?x=1&amp;y=2\">",
	         "https://example.org/a?x=1&y=2", "a reference in the href decoded");
	feedlink("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"javascript:feed()\">",
	         NULL, "a javascript: href is no feed");
	feedlink("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"\">", NULL,
	         "an empty href is none");
	feedlink("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"  \n /fe\ned.xml\t \">",
	         "https://example.org/feed.xml", "blanks around an href and line breaks in it dropped");
	{
		char page[6000], want[6000];
		int n = snprintf(page, sizeof page, "<link rel=alternate type=application/rss+xml href=/");

		memset(page + n, 'a', 4200);
		strcpy(page + n + 4200, ">");
		feedlink(page, NULL, "an href of over 4096 bytes is none");
		page[n + 4060] = '\0';
		strcat(page, ">");
		snprintf(want, sizeof want, "https://example.org/%.4060s", page + n);
		feedlink(page, want, "one of 4080 is kept");
	}
	feedlink("<html><head><title>News</title></head><body><a href=\"/feed.xml\">RSS</a>"
	         "</body></html>", NULL, "a page without a feed link names none");
	feedlink("<p>rel=\"alternate\" type=\"application/rss+xml\"</p><link rel=", NULL,
	         "the words in text, and a tag cut short, are no link");
}

int main(void)
{
	test_feed_link();
	ok(uri_is_web("http://a.example/") && uri_is_web("HTTPS://a.example/"),
	   "http and https links, any case, are web links");
	ok(!uri_is_web("javascript:alert(1)") && !uri_is_web("data:text/html,x") &&
	   !uri_is_web("file:///etc/passwd") && !uri_is_web("httpx://a") && !uri_is_web(NULL),
	   "javascript:, data:, file:, look-alikes and NULL are not");

	/* sanitizer: what goes */
	san("<p onclick=\"x()\">hi</p>", NULL, "<p>hi</p>", "event handler attribute dropped");
	san("a<script>alert(1)</script>b", NULL, "ab", "script and its content dropped");
	san("<style>p{}</style>ok", NULL, "ok", "style and its content dropped");
	san("<a href=\"javascript:alert(1)\">x</a>", NULL, "<a href=\"\">x</a>", "javascript: URL emptied");
	san("<iframe src=\"http://evil/\"></iframe>x", NULL, "x", "iframe dropped");
	san("<form action=\"/x\"><input name=\"q\"></form>t", NULL, "t", "forms and inputs dropped");
	san("<object data=\"x.swf\"></object><embed src=\"x\">z", NULL, "z", "object and embed dropped");
	san("<p style=\"color: red; background: url(http://x/)\">c</p>", NULL,
	    "<p style=\"color: red;\">c</p>", "CSS: allowed property kept, url() dropped");
	san("<p style=\"behavior: expression(alert(1))\">c</p>", NULL, "<p>c</p>", "CSS expression refused");
	san("<img src=\"data:image/png;base64,xx\">", NULL, "<img src=\"data:image/png;base64,xx\" />",
	    "img src kept as written without a base");
	san("<!--[if IE]><script>x()</script><![endif]-->y", NULL, "y", "conditional comment dropped");
	san("a<!-- note -->b", NULL, "a<!-- note -->b", "plain comment kept");
	san("sa<!-- -- x >fe", NULL, "safe", "malformed comment skipped");
	/* sanitizer: how it serialises */
	san("<IMG SRC=\"a.png\" ALT=x>", NULL, "<img alt=\"x\" src=\"a.png\" />",
	    "names folded, attributes sorted, void element closed");
	san("<br/><p/>", NULL, "<br /><p></p>", "empty-element forms");
	san("AT&T &eacute; &#233; &bogus;", NULL, "AT&amp;T &eacute; &#233; &amp;bogus",
	    "references kept, bare ampersands escaped");
	san("<a title='x \"q\" &amp; y'>t</a>", NULL, "<a title=\"x &quot;q&quot; &amp; y\">t</a>",
	    "attribute values re-escaped");
	san("&#150;", NULL, "&#x2013;", "C1 character reference mapped through windows-1252");
	san("<img src=\"data:image/png;base64,xx\"><a href=\"data:text/html,x\">d</a>", "http://b/",
	    "<img src=\"data:image/png;base64,xx\" /><a href=\"\">d</a>",
	    "data: kept for images only");
	san("text <a href=\"http://x/?a=1&amp;b=", NULL, "text &lt;a href=\"http://x/?a=1&amp;b=",
	    "a tag cut off at the end stays text, escaped");
	san("<p>end</p", NULL, "<p>end&lt;/p", "an end tag cut off at the end stays text");
	/* what a browser reads as the start of a declaration or a bogus
	 * comment, cut off by the end, is text too: a raw '<' there would
	 * swallow the markup after the fragment up to its first '>' */
	san("<p>The council voted <!DOCTYPE", NULL, "<p>The council voted &lt;!DOCTYPE",
	    "a DOCTYPE cut off at the end: text, escaped, what came before it once");
	text("The council voted <!DOCTYPE", "The council voted <!DOCTYPE",
	     "text: a DOCTYPE cut off at the end, the text before it once");
	san("a <?php echo 1;", NULL, "a &lt;?php echo 1;", "a processing instruction cut off stays text");
	san("a <![if x", NULL, "a &lt;![if x", "a declaration cut off stays text");
	san("a <!", NULL, "a &lt;!", "\"<!\" at the end stays text");
	san("a </", NULL, "a &lt;/", "\"</\" at the end stays text");
	san("a </ b", NULL, "a &lt;/ b", "\"</\" before no name stays text");
	san("a <", NULL, "a &lt;", "a '<' at the end stays text");
	san("1 < 2 <!DOCTYPE html> <?xml x?>", NULL, "1 < 2", "a '<' before a blank and whole declarations as before");
	/* URL resolution */
	san("<a href=\"../x?a=1&amp;b=2\">l</a><img src=\"/i.png\">", "http://h.example/d/e/f.html",
	    "<a href=\"http://h.example/d/x?a=1&amp;b=2\">l</a><img src=\"http://h.example/i.png\" />",
	    "relative URLs resolved against the base");
	{
		const char *in = "<a href=\"y\" onclick=\"z\">";
		char *r = html_resolve(in, strlen(in), "http://b.example/a/");

		is_str(r, "<a href=\"http://b.example/a/y\" onclick=\"z\">", "resolve only, no sanitising");
		free(r);
	}

	/* plain text */
	text("<p>Hello <b>big</b>&nbsp;world</p><p>Second&hellip;</p>",
	     "Hello big world\nSecond\xe2\x80\xa6", "text: blocks become lines, entities decoded");
	/* the block elements feedparser's sanitizer keeps beyond the first
	 * list glued the words around them ("threefour") */
	text("<p>one</p><p>two</p><center>three</center><table><caption>four"
	     "</caption></table><details><summary>five</summary>six</details>"
	     "<fieldset><legend>seven</legend>eight</fieldset>",
	     "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight",
	     "text: center, caption, details, summary, legend end lines too");
	text("a<script>var x;</script>  b\n\t c", "a b c", "text: script skipped, blanks folded");
	text("caf&#xe9; &amp; &lt;tag&gt;", "caf\xc3\xa9 & <tag>", "text: references decoded");
	text("cut <b", "cut <b", "text: a cut-off tag is text");
	text("<p>Poem:</p><pre>\nRoses are  red,\r\n  violets are <b>blue</b>.\n\nEnd</pre>after\nthis",
	     "Poem:\nRoses are red,\nviolets are blue.\nEnd\nafter this", "text: <pre> keeps its lines");
	{
		/* HTML5 names (PHP's htmlentities(ENT_HTML5) writes them) */
		const char *in = "Stocks fell&comma; analysts said&period; &lpar;Reuters&rpar; &check; &check x &bogus;";
		char *h = html_sanitize(in, strlen(in), NULL, 0);

		is_str(h, "Stocks fell&#x2c; analysts said&#x2e; &#x28;Reuters&#x29; &#x2713; &amp;check x &amp;bogus",
		       "HTML5 named references become numeric ones; without ';' they stay text");
		text(h ? h : "", "Stocks fell, analysts said. (Reuters) \xe2\x9c\x93 &check x &bogus",
		     "text: HTML5 named references decoded");
		free(h);
	}

	/* does it look like HTML (feedparser's test for RSS text) */
	ok(html_looks_like("a <b>bold</b> move"), "looks like HTML: close tag");
	ok(html_looks_like("fish &amp; chips"), "looks like HTML: entity");
	ok(!html_looks_like("x < y and y > z"), "not HTML: comparisons");
	ok(!html_looks_like("<foo>bar</foo>"), "not HTML: unknown element");

	/* URL joining (RFC 3986 5.4 examples and feed corruptions) */
	join("http://a/b/c/d;p?q", "g", "http://a/b/c/g");
	join("http://a/b/c/d;p?q", "./g", "http://a/b/c/g");
	join("http://a/b/c/d;p?q", "g/", "http://a/b/c/g/");
	join("http://a/b/c/d;p?q", "/g", "http://a/g");
	join("http://a/b/c/d;p?q", "//g", "http://g");
	join("http://a/b/c/d;p?q", "?y", "http://a/b/c/d;p?y");
	join("http://a/b/c/d;p?q", "#s", "http://a/b/c/d;p?q#s");
	join("http://a/b/c/d;p?q", "../..", "http://a/");
	join("http://a/b/c/d;p?q", "../../../g", "http://a/g");
	join("http://a/b/c/d;p?q", "https://x/y", "https://x/y");
	join("http://a/b/", "http:////c/d", "http://c/d");
	join("", "rel/x", "rel/x");
	{
		char *u = uri_safe_join("http://a/b/", "javascript:alert(1)");

		is_str(u, "", "unsafe scheme refused");
		free(u);
	}

	/* what a browser makes of a URL attribute, not what it looks like:
	 * character references kept in the output are decoded by the reader's
	 * browser, tabs and newlines inside a scheme are dropped */
	san("<a href=\"&#106;avascript:alert(1)\">x</a>", NULL, "<a href=\"\">x</a>",
	    "javascript: spelt with a decimal reference emptied");
	san("<a href=\"&#x6A;avascript:alert(1)\">x</a>", NULL, "<a href=\"\">x</a>",
	    "javascript: spelt with a hex reference emptied");
	san("<a href=\"javascript&colon;alert(1)\">x</a>", NULL, "<a href=\"\">x</a>",
	    "javascript&colon; emptied");
	san("<a href=\"javascript&#58;alert(1)\">x</a>", NULL, "<a href=\"\">x</a>",
	    "javascript&#58; emptied");
	san("<a href=\"java&Tab;script:alert(1)\">x</a>", NULL, "<a href=\"\">x</a>",
	    "javascript: with a &Tab; inside emptied");
	san("<a href=\"&amp;#106;avascript:alert(1)\">x</a>", NULL, "<a href=\"\">x</a>",
	    "a reference made by decoding &amp; once is decoded again by the browser");
	san("<a href=\"&#1;&#32;javascript:alert(1)\">x</a>", NULL, "<a href=\"\">x</a>",
	    "leading controls and spaces before javascript: emptied");
	san("<img src=\"&#106;avascript:alert(1)\">", NULL, "<img src=\"\" />",
	    "img src is checked like href");
	san("<video poster=\"javascript:alert(1)\"></video>", NULL, "<video poster=\"\"></video>",
	    "video poster checked without a base");
	san("<blockquote cite=\"vbscript:x\">q</blockquote>", NULL, "<blockquote cite=\"\">q</blockquote>",
	    "cite checked without a base");
	san("<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>", NULL,
	    "<table background=\"\"><tr><td>x</td></tr></table>", "table background checked");
	san("<img lowsrc=\"javascript:alert(1)\" dynsrc=\"javascript:alert(1)\">", NULL,
	    "<img dynsrc=\"\" lowsrc=\"\" />", "IE's lowsrc and dynsrc checked");
	san("<a href=\"http://x/\" ping=\"javascript:alert(1)\">x</a>", NULL,
	    "<a href=\"http://x/\" ping=\"\">x</a>", "ping checked like href");
	san("<a ping=\"http://t.example/a&#32;javascript:alert(1)\">x</a>", NULL,
	    "<a ping=\"\">x</a>", "every URL of a ping list checked, as the browser splits it");
	san("<a ping=\"http://t.example/a https://t.example/b\">x</a>", NULL,
	    "<a ping=\"http://t.example/a https://t.example/b\">x</a>", "a ping list of web URLs kept");
	san("<command icon=\"javascript:alert(1)\"><img src=\"x\" vrml=\"vbscript:x\">", NULL,
	    "<command icon=\"\" /><img src=\"x\" vrml=\"\" />", "command icon and IE's img vrml checked");
	san("<math><mi altimg=\"javascript:alert(1)\">x</mi></math>", NULL,
	    "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mi altimg=\"\">x</mi></math>",
	    "MathML altimg checked");
	san("<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>", NULL,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"><a xlink:href=\"\" "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\"><text>x</text></a></svg>",
	    "SVG xlink:href in javascript: emptied");
	san("<svg><use xlink:href=\"data:image/svg+xml;base64,PHN2Zz4=#x\"/></svg>", NULL,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"><use xlink:href=\"\" "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\"></svg>",
	    "SVG <use> of a data: document emptied");
	san("<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">x</maction></math>",
	    NULL, "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><maction actiontype=\"statusline\" "
	    "xlink:href=\"\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">x</maction></math>",
	    "MathML xlink:href in javascript: emptied");
	san("<svg><a xlink:href=\"#frag\"><text>x</text></a></svg>", NULL,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"><a xlink:href=\"#frag\" "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\"><text>x</text></a></svg>",
	    "SVG xlink:href to a fragment kept");
	san("<a href=\"HTTP://example.com/?a=1&#38;b=2\">x</a>", NULL,
	    "<a href=\"HTTP://example.com/?a=1&#38;b=2\">x</a>",
	    "an upper-case allowed scheme and references in a query kept");
	san("<img src=\"data:image/png;base64,iVBORw0KGgo=\">", NULL,
	    "<img src=\"data:image/png;base64,iVBORw0KGgo=\" />", "inline image still kept");
	san("<a href=\"java&#9;script:alert(1)\">x</a>", "http://example.com/a/",
	    "<a href=\"http://example.com/a/java&#9;script:alert(1)\">x</a>",
	    "with a base, the obfuscated scheme is a relative path, resolved");


	/* SVG animation that sets href on its parent link */
	san("<svg><a><animate attributeName=\"href\" values=\"javascript:alert(1)\"/>"
	    "<text>x</text></a></svg>", NULL,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><animate values=\"javascript:alert(1)\">"
	    "<text>x</text></a></svg>", "animate of href loses its target");
	san("<svg><a><set attributeName=\" xlink:href\" to=\"javascript:alert(1)\"/></a></svg>", NULL,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><set to=\"javascript:alert(1)\"></a></svg>",
	    "set of xlink:href loses its target");
	/* the browser decodes the references the output keeps: these name
	 * href as surely as attributeName="href" */
	san("<svg><a><animate attributeName=\"&#104;ref\" values=\"javascript:alert(1)\"/>"
	    "<text>x</text></a></svg>", NULL,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><animate values=\"javascript:alert(1)\">"
	    "<text>x</text></a></svg>", "animate of href spelt &#104;ref loses its target");
	san("<svg><a><set attributeName=\"xlink&colon;href\" to=\"javascript:alert(1)\"/></a></svg>", NULL,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><set to=\"javascript:alert(1)\"></a></svg>",
	    "set of xlink&colon;href loses its target");
	san("<svg><a><animateMotion attributeName=\"&amp;#x48;REF\" values=\"javascript:alert(1)\"/>"
	    "</a></svg>", NULL,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"><a><animateMotion values=\"javascript:alert(1)\">"
	    "</a></svg>", "a reference made by decoding &amp; once names href too");
	san("<svg><rect><animate attributeName=\"&#120;\" values=\"0;10\"/></rect></svg>", NULL,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect><animate attributeName=\"&#120;\" "
	    "values=\"0;10\"></rect></svg>", "a reference to another attribute's name kept");
	/* a self-closed <svg/> or <math/> ends there: what follows is HTML */
	san("<p><svg/> Read <a href=\"http://example.com/more\" title=\"t\">more</a></p>", NULL,
	    "<p><svg xmlns=\"http://www.w3.org/2000/svg\"></svg> Read "
	    "<a href=\"http://example.com/more\" title=\"t\">more</a></p>",
	    "a link after <svg/> keeps its href");
	san("<math/><svg/><title>t</title>", NULL,
	    "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"></math>"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>t",
	    "no SVG element is kept after <svg/> (an HTML <title> is not on the list)");
	san("<svg><rect><animate attributeName=\"x\" values=\"0;10\"/></rect></svg>", NULL,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect><animate attributeName=\"x\" "
	    "values=\"0;10\"></rect></svg>", "animate of a geometry attribute kept");


	/* comments an HTML5 parser closes early */
	san("<!--><img src=x onerror=alert(1)>-->", NULL, "",
	    "\"<!-->\" comment dropped, not kept with markup inside");
	san("<!---><img src=x onerror=alert(1)>-->", NULL, "",
	    "\"<!--->\" comment dropped");
	san("<!-- a --!><img src=x onerror=alert(1)>-->", NULL, "",
	    "comment holding \"--!>\" dropped");
	san("<noscript><!-- </noscript><img src=x onerror=alert(1)> --></noscript>", NULL,
	    "<noscript></noscript>", "comment with markup inside <noscript> dropped");
	san("<p>a<!-- plain note -->b</p>", NULL, "<p>a<!-- plain note -->b</p>",
	    "an ordinary comment kept");
	/* a <noscript> left open would make raw text of the reader's own
	 * page after the content, to a browser that runs scripts */
	san("<p>Read more</p><noscript><img src=\"http://example.com/a.png\">", NULL,
	    "<p>Read more</p><noscript><img src=\"http://example.com/a.png\" /></noscript>",
	    "an unclosed <noscript> is closed at the end");
	san("<noscript><noscript>a</noscript>b", NULL,
	    "<noscript><noscript>a</noscript>b</noscript>", "each one left open");
	san("</noscript>a<noscript/>b", NULL, "</noscript>a<noscript></noscript>b",
	    "a stray end tag closes nothing of its own");

	return done_testing();
}

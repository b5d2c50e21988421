/* tests/unit/test_cli.c — how the tidings listings print text from feeds:
 * cli_cell() cuts and pads by terminal columns (wide CJK, combining
 * marks), and never lets a control character through to the terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cli.h"
#include "tap.h"

/* What cli_cell(s, width, pad) prints, in a static buffer. */
static const char *cell(const char *s, int width, int pad)
{
	static char out[1024];
	FILE *f = fmemopen(out, sizeof out, "w");

	cli_cell(f, s, width, pad);
	fclose(f);
	return out;
}

int main(void)
{
	is_str(cell("plain", 8, 1), "plain   ", "ASCII padded to the width");
	is_str(cell("plain", 8, 0), "plain", "no padding when not asked");
	is_str(cell("exactly8", 8, 1), "exactly8", "a string of the width is not cut");
	is_str(cell("nine char", 8, 1), "nine ch\xe2\x80\xa6", "a longer one ends in an ellipsis");
	is_str(cell(NULL, 3, 1), "-  ", "NULL prints as '-'");

	/* U+4E2D U+6587: two columns each. */
	is_str(cell("\xe4\xb8\xad\xe6\x96\x87", 6, 1), "\xe4\xb8\xad\xe6\x96\x87  ",
	       "CJK counts two columns a character");
	is_str(cell("\xe4\xb8\xad\xe6\x96\x87\xe6\x96\xb0\xe9\x97\xbb", 5, 1),
	       "\xe4\xb8\xad\xe6\x96\x87\xe2\x80\xa6", "CJK cut at a character, then the ellipsis");
	is_str(cell("\xe4\xb8\xad\xe6\x96\x87\xe6\x96\xb0\xe9\x97\xbb", 6, 1),
	       "\xe4\xb8\xad\xe6\x96\x87\xe2\x80\xa6 ", "no half character: padded instead");
	/* e + U+0301 COMBINING ACUTE: one column. */
	is_str(cell("cafe\xcc\x81", 4, 1), "cafe\xcc\x81", "a combining mark takes no column");

	/* Cut between grapheme clusters only: a flag (U+1F1EF U+1F1F5, one
	 * column each here) or an emoji ZWJ sequence (man ZWJ laptop, 2 + 2)
	 * cut in half left a lone regional indicator or a dangling U+200D
	 * before the ellipsis. */
	is_str(cell("ab\xf0\x9f\x87\xaf\xf0\x9f\x87\xb5" "cd", 4, 1), "ab\xe2\x80\xa6 ",
	       "a flag is not cut in half: padded instead");
	is_str(cell("a\xf0\x9f\x87\xaf\xf0\x9f\x87\xb5" "cd", 4, 1),
	       "a\xf0\x9f\x87\xaf\xf0\x9f\x87\xb5\xe2\x80\xa6", "a whole flag fits");
	is_str(cell("ab\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x92\xbb" "cd", 5, 1),
	       "ab\xe2\x80\xa6  ", "nor a ZWJ sequence after its joiner");
	is_str(cell("\xe4\xb8\xad" "e\xcc\x81" "xyz", 4, 1), "\xe4\xb8\xad" "e\xcc\x81\xe2\x80\xa6",
	       "a combining mark stays with its letter");

	/* Feed text with terminal escapes: ESC, BEL and C1 CSI (U+009B). */
	is_str(cell("Red \x1b[31mALERT\x07", 40, 0),
	       "Red \xef\xbf\xbd[31mALERT\xef\xbf\xbd", "ESC and BEL print as U+FFFD");
	is_str(cell("a\xc2\x9b" "2J", 40, 0), "a\xef\xbf\xbd" "2J", "C1 controls too");
	is_str(cell("Invoice\xe2\x80\xae" "fdp.exe", 40, 0), "Invoicefdp.exe",
	       "a right-to-left override is not shown");
	is_str(cell("a\xe2\x81\xa6" "b\xe2\x81\xa9" "c\xe2\x80\x8f", 5, 1), "abc  ",
	       "bidi isolates and marks take no column and are not shown");
	is_str(cell("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x92\xbb", 40, 0),
	       "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x92\xbb", "a zero-width joiner is kept");
	is_str(cell("del\x7f", 40, 0), "del\xef\xbf\xbd", "and DEL");
	is_str(cell("tab\tline\nend\r", 40, 0), "tab line end ", "tab and line breaks: spaces");
	is_str(cell("bad \xff\xc3( bytes", 40, 0), "bad \xef\xbf\xbd\xef\xbf\xbd( bytes",
	       "a byte that is not UTF-8 prints as U+FFFD");
	ok(!strchr(cell("\x1b]0;title\x07\x1b[2J", 40, 0), 0x1b), "no ESC ever reaches the output");
	return done_testing();
}

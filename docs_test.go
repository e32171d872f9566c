package main

import (
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
)

// The documentation is README.md and the pages under docs/, which link to
// each other by relative paths and #anchors. These tests keep every such
// link pointing at a file that exists and, with an anchor, at one of the
// target's headings, named by GitHub's rules; a heading renamed or a page
// moved fails here instead of leaving a dead link.

// TestDocLinksResolve checks every relative link of README.md and
// docs/*.md, and of any other Markdown file they link to.
func TestDocLinksResolve(t *testing.T) {
	docs, err := fs.Glob(os.DirFS("."), "docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no docs/*.md found: run the test from the repository root")
	}
	for _, problem := range checkDocLinks(os.DirFS("."), append([]string{"README.md"}, docs...)) {
		t.Error(problem)
	}
}

// TestDocLinkCheckerCatchesBrokenLinks runs the checker over pages held in
// memory, so that it is known to fail on what it is there to catch.
func TestDocLinkCheckerCatchesBrokenLinks(t *testing.T) {
	fsys := fstest.MapFS{
		"README.md": {Data: []byte("# Title\n\n" +
			"Good: [a page](docs/a.md), [its section](docs/a.md#setup-and-run), [again](docs/a.md#setup-and-run-1),\n" +
			"[here](#title), [a directory](docs/), [a web page](https://example.com/x.md#nope), [mail](mailto:a@b.c).\n" +
			"Broken: [no such page](docs/missing.md) and [no such heading](docs/a.md#teardown).\n" +
			"In code they are not links: `[x](nowhere.md)`, and\n" +
			"```\n[y](nowhere.md)\n# Not a heading\n```\n" +
			"Nor is [this](#not-a-heading).\n")},
		"docs/a.md": {Data: []byte("# A\n\n## Setup and run\n\n## Setup and run\n\nBack to [the top](../README.md#title), " +
			"out of the repository: [up](../../x.md).\n")},
	}
	got := checkDocLinks(fsys, []string{"README.md"})
	want := []string{
		"README.md:5: link docs/missing.md: docs/missing.md does not exist",
		"README.md:5: link docs/a.md#teardown: docs/a.md has no heading with the anchor #teardown",
		"README.md:11: link #not-a-heading: README.md has no heading with the anchor #not-a-heading",
		"docs/a.md:7: link ../../x.md: it points outside the repository",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDocHeadingAnchorsFollowGitHub(t *testing.T) {
	for heading, want := range map[string]string{
		"Quick start":                            "quick-start",
		"The pitch event: `pitchkafka.pitch/v1`": "the-pitch-event-pitchkafkapitchv1",
		"Two group protocols: `--group-protocol classic|consumer`": "two-group-protocols---group-protocol-classicconsumer",
		"Schema Registry: Avro, Protobuf and JSON Schema":          "schema-registry-avro-protobuf-and-json-schema",
		"Sources: run expectancy and baserunning":                  "sources-run-expectancy-and-baserunning",
		"snake_case and [a link](x.md) stay":                       "snake_case-and-a-link-stay",
		"Über *emphasis*":                                          "über-emphasis",
	} {
		if got := headingAnchor(heading); got != want {
			t.Errorf("headingAnchor(%q) = %q, want %q", heading, got, want)
		}
	}
}

var (
	// inlineLink matches [text](target) and ![alt](target), with an
	// optional title; the text may run over lines.
	inlineLink = regexp.MustCompile(`!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)`)
	// linkDefinition matches a reference definition, [label]: target.
	linkDefinition = regexp.MustCompile(`(?m)^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)`)
	atxHeading     = regexp.MustCompile(`^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$`)
	hasScheme      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// checkDocLinks checks the relative links of the Markdown files start, and
// of every Markdown file in fsys they link to, and returns one line per
// link that does not resolve: the file and line, the link, what is wrong.
func checkDocLinks(fsys fs.FS, start []string) []string {
	var problems []string
	anchors := map[string]map[string]bool{} // per Markdown file, its headings' anchors
	anchorsOf := func(name string) (map[string]bool, error) {
		if a, ok := anchors[name]; ok {
			return a, nil
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		anchors[name] = headingAnchors(string(data))
		return anchors[name], nil
	}

	queue := append([]string(nil), start...)
	seen := map[string]bool{}
	for _, name := range start {
		seen[name] = true
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		text := proseOnly(string(data))
		var found [][]int
		found = append(found, inlineLink.FindAllStringSubmatchIndex(text, -1)...)
		found = append(found, linkDefinition.FindAllStringSubmatchIndex(text, -1)...)
		for _, m := range found {
			link := text[m[2]:m[3]]
			line := strings.Count(text[:m[0]], "\n") + 1
			bad := func(format string, args ...any) {
				problems = append(problems, fmt.Sprintf("%s:%d: link %s: ", name, line, link)+fmt.Sprintf(format, args...))
			}
			if link == "" || hasScheme.MatchString(link) {
				continue // web and mail addresses are not checked
			}
			target, fragment, _ := strings.Cut(link, "#")
			if target == "" {
				target = name
			} else {
				unescaped, err := url.PathUnescape(target)
				if err != nil {
					bad("%v", err)
					continue
				}
				if strings.HasPrefix(unescaped, "/") {
					target = path.Clean(strings.TrimPrefix(unescaped, "/"))
				} else {
					target = path.Join(path.Dir(name), unescaped)
				}
				if target == ".." || strings.HasPrefix(target, "../") {
					bad("it points outside the repository")
					continue
				}
				info, err := fs.Stat(fsys, target)
				if err != nil {
					bad("%s does not exist", target)
					continue
				}
				if info.IsDir() {
					if fragment != "" {
						bad("%s is a directory, which has no #%s", target, fragment)
					}
					continue
				}
			}
			if !strings.HasSuffix(target, ".md") {
				continue // an anchor into another kind of file (a line of code) is not checked
			}
			if !seen[target] {
				seen[target] = true
				queue = append(queue, target)
			}
			if fragment == "" {
				continue
			}
			a, err := anchorsOf(target)
			if err != nil {
				bad("%v", err)
				continue
			}
			if f, err := url.PathUnescape(fragment); err == nil {
				fragment = f
			}
			if !a[fragment] {
				bad("%s has no heading with the anchor #%s", target, fragment)
			}
		}
	}
	return problems
}

// proseOnly blanks out fenced code blocks and inline code spans, keeping
// every newline, so that what they hold is neither a link nor a heading and
// offsets still give line numbers.
func proseOnly(markdown string) string {
	lines := strings.SplitAfter(markdown, "\n")
	fence := ""
	for i, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		if fence == "" && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")) {
			fence = trimmed[:3]
			lines[i] = blank(line)
			continue
		}
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			lines[i] = blank(line)
		}
	}
	return blankCodeSpans(strings.Join(lines, ""))
}

// blankCodeSpans blanks out each run of backticks and the text up to the
// next run of the same length, as Markdown reads a code span.
func blankCodeSpans(s string) string {
	b := []byte(s)
	for i := 0; i < len(b); {
		if b[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < len(b) && b[i+n] == '`' {
			n++
		}
		end := -1
		for j := i + n; j < len(b); {
			if b[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(b) && b[j+m] == '`' {
				m++
			}
			if m == n {
				end = j + m
				break
			}
			j += m
		}
		if end < 0 {
			i += n // an unmatched run is literal backticks
			continue
		}
		copy(b[i:end], blank(string(b[i:end])))
		i = end
	}
	return string(b)
}

// blank replaces every byte but newlines with a space, keeping the length.
func blank(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

// headingAnchors returns the anchors GitHub gives the ATX headings of a
// Markdown file; a repeated heading's anchor gets -1, -2… as on GitHub.
func headingAnchors(markdown string) map[string]bool {
	anchors := map[string]bool{}
	count := map[string]int{}
	lines := strings.Split(markdown, "\n")
	fence := ""
	for _, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		if fence == "" && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")) {
			fence = trimmed[:3]
			continue
		}
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		m := atxHeading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		anchor := headingAnchor(m[1])
		if n := count[anchor]; n > 0 {
			count[anchor]++
			anchor = fmt.Sprintf("%s-%d", anchor, n)
		} else {
			count[anchor] = 1
		}
		anchors[anchor] = true
	}
	return anchors
}

var linkInHeading = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)

// headingAnchor is the anchor GitHub gives a heading: its text as shown
// (links reduced to their text), lowercased, each space made a hyphen,
// and every character but letters, digits, marks, '-' and '_' dropped.
func headingAnchor(heading string) string {
	text := linkInHeading.ReplaceAllString(heading, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

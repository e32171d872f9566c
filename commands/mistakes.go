package commands

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"
)

// onUsageError turns urfave/cli's words for a mistake on the command line
// into what was typed and what would do: the nearest flag for one that
// does not exist, an example for a value of the wrong kind.
func onUsageError(c *cli.Context, err error, _ bool) error {
	return &UsageError{Command: commandName(c), Err: explainFlagMistake(c, err)}
}

var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.+)$`)
	badFlagValue  = regexp.MustCompile(`^invalid value "(.*)" for flag -+([^:]+): `)
)

func explainFlagMistake(c *cli.Context, err error) error {
	if m := undefinedFlag.FindStringSubmatch(err.Error()); m != nil {
		hint := ""
		if near := closest(m[1], flagNames(c)); near != "" {
			hint = ": did you mean --" + near + "?"
		}
		return fmt.Errorf("no flag --%s%s", m[1], hint)
	}
	if m := badFlagValue.FindStringSubmatch(err.Error()); m != nil {
		if want := valueKind(c, m[2]); want != "" {
			return fmt.Errorf("--%s %q: %s", m[2], m[1], want)
		}
	}
	return err
}

// flagNames are the names and aliases of the flags of c's command, or of
// the application's at the top level.
func flagNames(c *cli.Context) []string {
	flags := c.App.Flags
	if c.Command != nil && commandName(c) != "" {
		flags = c.Command.Flags
	}
	var names []string
	for _, f := range flags {
		names = append(names, f.Names()...)
	}
	return names
}

// valueKind says what a flag takes, with an example, by its type.
func valueKind(c *cli.Context, name string) string {
	flags := c.App.Flags
	if c.Command != nil {
		flags = append(flags, c.Command.Flags...)
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			switch f.(type) {
			case *cli.DurationFlag:
				return "want a duration with its unit, e.g. 10s, 5m or 1h30m"
			case *cli.IntFlag, *cli.Int64Flag, *cli.UintFlag, *cli.Uint64Flag:
				return "want a whole number, e.g. 10"
			case *cli.Float64Flag:
				return "want a number, e.g. 10 or 2.5"
			}
		}
	}
	return ""
}

// closest returns the candidate nearest to word, if it is near enough to
// be what was meant: at most a third of its letters off, and at most 3.
func closest(word string, candidates []string) string {
	best, bestDist := "", min(3, max(1, len(word)/3))+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(word), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

package commands

import (
	"strings"
	"unicode/utf8"
)

// cell is a table cell: its text, and what is shown (the text, maybe coloured).
type cell struct{ text, shown string }

// table lines cells up by their visible width, so colours do not disturb
// the columns as they would with text/tabwriter.
type table struct {
	header []string
	rows   [][]cell
}

func (t *table) add(row []cell) { t.rows = append(t.rows, row) }

func (t *table) write(b *strings.Builder) {
	widths := make([]int, len(t.header))
	for i, h := range t.header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, row := range t.rows {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	line := func(cells []cell) {
		for i, c := range cells {
			shown := c.shown
			if shown == "" {
				shown = c.text
			}
			b.WriteString(shown)
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.text)+2))
			}
		}
		b.WriteByte('\n')
	}
	head := make([]cell, len(t.header))
	for i, h := range t.header {
		head[i] = cell{text: h}
	}
	line(head)
	for _, row := range t.rows {
		line(row)
	}
}

package main

import (
	"fmt"
	"html"
	"strings"
)

// Colours per group, so each panel reads the same way.
var groupColour = map[string]string{
	"raw pg_dump":   "#8c8c8c",
	"advana-export": "#2f6fb0",
	"aws CLI":       "#d08a2c",
	"upload alone":  "#b9cde3",
}

// svgChart draws three horizontal bar panels — median wall time, MB/s of
// the database and peak RSS — with one bar per contender of the main size.
func (res *Results) svgChart() string {
	rows := res.Main.benchRows()
	const (
		labelW = 330
		panelW = 250
		gap    = 30
		barH   = 16
		rowH   = 22
		top    = 58
	)
	width := labelW + 3*panelW + 2*gap + 20
	height := top + rowH*len(rows) + 40
	var w strings.Builder
	fmt.Fprintf(&w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&w, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&w, `<text x="10" y="20" font-size="15" font-weight="bold">advana-export benchmark: %s database, median of %d, %s</text>`+"\n",
		mb(res.Main.DBSize), res.Config.Repeat, html.EscapeString(res.Started.Format("2006-01-02")))
	panels := []struct {
		title string
		value func(Row) float64
		unit  string
	}{
		{"wall time, s (lower is better)", func(r Row) float64 { return secs(r.Stats.Wall) }, "%.2f"},
		{"MB/s of database (higher is better)", func(r Row) float64 { return float64(res.Main.DBSize) / 1e6 / secs(r.Stats.Wall) }, "%.0f"},
		{"peak RSS, MiB (lower is better)", func(r Row) float64 { return mib(r.Stats.MaxRSSKiB) }, "%.0f"},
	}
	for i, r := range rows {
		y := top + i*rowH
		fmt.Fprintf(&w, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", labelW-8, y+barH-3, html.EscapeString(r.Label))
	}
	for pi, pn := range panels {
		x0 := labelW + pi*(panelW+gap)
		fmt.Fprintf(&w, `<text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", x0, top-12, pn.title)
		var peak float64
		for _, r := range rows {
			peak = max(peak, pn.value(r))
		}
		if peak <= 0 {
			peak = 1
		}
		fmt.Fprintf(&w, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#444"/>`+"\n", x0, top-4, x0, top+rowH*len(rows))
		for i, r := range rows {
			v := pn.value(r)
			y := top + i*rowH
			if r.Group == "upload alone" && pi != 0 && pi != 1 {
				fmt.Fprintf(&w, `<text x="%d" y="%d" fill="#888">not measured</text>`+"\n", x0+4, y+barH-3)
				continue
			}
			bw := int(float64(panelW-50) * v / peak)
			fmt.Fprintf(&w, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`+"\n", x0, y, bw, barH, groupColour[r.Group])
			fmt.Fprintf(&w, `<text x="%d" y="%d">`+pn.unit+`</text>`+"\n", x0+bw+4, y+barH-3, v)
		}
	}
	x := 10
	ly := height - 14
	for _, g := range []string{"raw pg_dump", "advana-export", "aws CLI", "upload alone"} {
		fmt.Fprintf(&w, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n",
			x, ly-10, groupColour[g], x+16, ly, g)
		x += 30 + 8*len(g)
	}
	w.WriteString("</svg>\n")
	return w.String()
}

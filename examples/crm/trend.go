package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/report"
)

// The trend page draws report.Report.Trend: the on-time share (met on
// time over decided, all metrics together) per channel over weeks, one
// line per channel, as an inline SVG laid out here; the table under it
// holds the same figures.

// trendWeeks is how many of the latest weeks the chart draws; the table
// and the API hold them all.
const trendWeeks = 12

// Geometry of the chart.
const (
	trLeft, trRight = 90.0, 930.0
	trTop, trBottom = 16.0, 236.0
	trHeight        = 270.0
)

// A trendChart is the chart's layout, and the table's rows.
type trendChart struct {
	Weeks  []trendWeek
	Series []trendSeries
	Grid   []trendGrid
	Rows   []trendRow // every week, newest first
	Empty  bool
}

type trendWeek struct {
	X     float64
	Label string
}

type trendGrid struct {
	Y     float64
	Label string
}

// A trendSeries is one channel's line: its points, and the polyline
// through them.
type trendSeries struct {
	Channel sla.Channel
	Class   string // series-N, its colour
	Points  []trendPoint
	Line    string
}

type trendPoint struct {
	X, Y  float64
	Title string
}

// A trendRow is a week of the table: each channel's cell, in the order
// of Series.
type trendRow struct {
	Week  string
	Cells []*report.TrendPoint
}

func layoutTrend(points []report.TrendPoint) trendChart {
	var weeks []string
	var channels []sla.Channel
	at := map[string]map[sla.Channel]*report.TrendPoint{}
	for i := range points {
		p := &points[i]
		if at[p.Week] == nil {
			at[p.Week] = map[sla.Channel]*report.TrendPoint{}
			weeks = append(weeks, p.Week)
		}
		at[p.Week][p.Channel] = p
		if !slices.Contains(channels, p.Channel) {
			channels = append(channels, p.Channel)
		}
	}
	slices.Sort(weeks)
	slices.Sort(channels)
	c := trendChart{Empty: len(weeks) == 0}
	for i := len(weeks) - 1; i >= 0; i-- {
		row := trendRow{Week: weeks[i]}
		for _, ch := range channels {
			row.Cells = append(row.Cells, at[weeks[i]][ch])
		}
		c.Rows = append(c.Rows, row)
	}
	drawn := weeks[max(0, len(weeks)-trendWeeks):]
	x := func(i int) float64 {
		if len(drawn) == 1 {
			return (trLeft + trRight) / 2
		}
		return round1(trLeft + float64(i)/float64(len(drawn)-1)*(trRight-trLeft))
	}
	y := func(share float64) float64 { return round1(trBottom - share*(trBottom-trTop)) }
	for i, w := range drawn {
		c.Weeks = append(c.Weeks, trendWeek{X: x(i), Label: w})
	}
	for _, pct := range []int{0, 25, 50, 75, 100} {
		c.Grid = append(c.Grid, trendGrid{Y: y(float64(pct) / 100), Label: fmt.Sprintf("%d%%", pct)})
	}
	for k, ch := range channels {
		s := trendSeries{Channel: ch, Class: fmt.Sprintf("series-%d", k%8)}
		var line []string
		for i, w := range drawn {
			p := at[w][ch]
			if p == nil || p.Decided == 0 {
				continue
			}
			pt := trendPoint{X: x(i), Y: y(p.Share()),
				Title: fmt.Sprintf("%s, %s: %d of %d on time (%.1f%%)", ch, w, p.OnTime, p.Decided, 100*p.Share())}
			s.Points = append(s.Points, pt)
			line = append(line, fmt.Sprintf("%.1f,%.1f", pt.X, pt.Y))
		}
		s.Line = strings.Join(line, " ")
		c.Series = append(c.Series, s)
	}
	return c
}

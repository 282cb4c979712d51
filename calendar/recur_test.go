package calendar

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var icsDayNames = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

func icsDate(d date.Date) string {
	y, m, dd := d.Date()
	return fmt.Sprintf("%04d%02d%02d", y, int(m), dd)
}

// Recurrence expansion matches the reference, which tests every date
// against the rule's parts as filters.
func TestPropertyRecurrenceMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sd := date.New(1965, 1, 1) + date.Date(rapid.IntRange(0, 140*365).Draw(t, "start"))
		rule := refRule{
			freq:     rapid.SampledFrom([]string{"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}).Draw(t, "freq"),
			interval: rapid.IntRange(1, 4).Draw(t, "interval"),
			wkst:     time.Weekday(rapid.IntRange(0, 6).Draw(t, "wkst")),
		}
		parts := []string{"FREQ=" + rule.freq}
		if rule.interval > 1 || rapid.Bool().Draw(t, "writeInterval") {
			parts = append(parts, fmt.Sprintf("INTERVAL=%d", rule.interval))
		}
		if rapid.Bool().Draw(t, "byCount") {
			rule.count = rapid.IntRange(1, 80).Draw(t, "count")
			parts = append(parts, fmt.Sprintf("COUNT=%d", rule.count))
		} else {
			rule.until = sd + date.Date(rapid.IntRange(0, 4*365).Draw(t, "until"))
			parts = append(parts, "UNTIL="+icsDate(rule.until))
		}
		ints := func(label string, lo, hi int, n int) []int {
			var out []int
			for i := range n {
				v := rapid.IntRange(lo, hi).Draw(t, fmt.Sprintf("%s[%d]", label, i))
				if v != 0 {
					out = append(out, v)
				}
			}
			return out
		}
		join := func(vs []int) string {
			s := make([]string, len(vs))
			for i, v := range vs {
				s[i] = fmt.Sprint(v)
			}
			return strings.Join(s, ",")
		}
		if rapid.IntRange(0, 2).Draw(t, "byMonth?") == 0 {
			if rule.byMonth = ints("bymonth", 1, 12, rapid.IntRange(1, 3).Draw(t, "bymonth#")); rule.byMonth != nil {
				parts = append(parts, "BYMONTH="+join(rule.byMonth))
			}
		}
		if rule.freq != "WEEKLY" && rapid.IntRange(0, 2).Draw(t, "byMonthDay?") == 0 {
			if rule.byMonthDay = ints("bymonthday", -31, 31, rapid.IntRange(1, 3).Draw(t, "bymonthday#")); rule.byMonthDay != nil {
				parts = append(parts, "BYMONTHDAY="+join(rule.byMonthDay))
			}
		}
		if rapid.IntRange(0, 1).Draw(t, "byDay?") == 0 {
			var days []string
			for i := range rapid.IntRange(1, 3).Draw(t, "byday#") {
				wd := rapid.IntRange(0, 6).Draw(t, fmt.Sprintf("byday[%d]", i))
				n := 0
				switch {
				case rule.freq == "MONTHLY" && rapid.Bool().Draw(t, fmt.Sprintf("byday[%d].nth?", i)):
					n = rapid.SampledFrom([]int{1, 2, 3, 4, 5, -1, -2, -5}).Draw(t, fmt.Sprintf("byday[%d].nth", i))
				case rule.freq == "YEARLY" && rapid.Bool().Draw(t, fmt.Sprintf("byday[%d].nth?", i)):
					n = rapid.SampledFrom([]int{1, 2, 4, 5, -1, -2, 20, 53, -53}).Draw(t, fmt.Sprintf("byday[%d].nth", i))
				}
				rule.byDay = append(rule.byDay, [2]int{wd, n})
				if n != 0 {
					days = append(days, fmt.Sprint(n)+icsDayNames[wd])
				} else {
					days = append(days, icsDayNames[wd])
				}
			}
			parts = append(parts, "BYDAY="+strings.Join(days, ","))
		}
		if rule.wkst != time.Monday || rapid.Bool().Draw(t, "writeWkst") {
			parts = append(parts, "WKST="+icsDayNames[rule.wkst])
		}
		var exdates []date.Date
		event := "DTSTART;VALUE=DATE:" + icsDate(sd) + "\nRRULE:" + strings.Join(parts, ";")
		for i := range rapid.IntRange(0, 2).Draw(t, "exdate#") {
			x := sd + date.Date(rapid.IntRange(0, 60).Draw(t, fmt.Sprintf("exdate[%d]", i)))
			exdates = append(exdates, x)
			event += "\nEXDATE;VALUE=DATE:" + icsDate(x)
		}
		doc := icsDoc(event)
		feed, err := ParseICS(strings.NewReader(doc), time.UTC)
		require.NoError(t, err, "%s", doc)
		var got []date.Date
		for _, e := range feed.Closed {
			got = append(got, e.Date)
		}
		require.Equal(t, refRecur(rule, sd, exdates), got, "%s", doc)
	})
}

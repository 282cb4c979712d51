package holidaycheck

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/replyby/replyby/calendar"
	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/au"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/jp"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/us"
	"github.com/rickb777/date/v2"
)

const firstYear, lastYear = 2000, 2099

// rickarSets are the independent definitions each embedded set is
// checked against. rickar/cal has no set for Scotland: the Scottish one
// is made of its UK holidays that Scotland keeps, plus 2 January and St
// Andrew's Day written here in rickar's own terms (the substitute days
// of its Boxing Day, and of its weekend holidays).
func rickarSets() map[string][]*cal.Holiday {
	secondJanuary := &cal.Holiday{Name: "2nd January", Month: time.January, Day: 2, Func: cal.CalcDayOfMonth,
		Observed: []cal.AltDay{{Day: time.Saturday, Offset: 2}, {Day: time.Sunday, Offset: 2}, {Day: time.Monday, Offset: 1}}}
	stAndrew := &cal.Holiday{Name: "St Andrew's Day", Month: time.November, Day: 30, Func: cal.CalcDayOfMonth, StartYear: 2007,
		Observed: []cal.AltDay{{Day: time.Saturday, Offset: 2}, {Day: time.Sunday, Offset: 1}}}
	return map[string][]*cal.Holiday{
		"us-federal": us.Holidays,
		"gb-eng":     gb.Holidays,
		"gb-sct": {gb.NewYear, secondJanuary, gb.GoodFriday, gb.EarlyMay, gb.VEDay, gb.CoronationDay, gb.SpringHoliday,
			gb.SpringHoliday2022, gb.PlatinumJubilee, gb.SummerHolidayScotland, stAndrew, gb.ChristmasDay, gb.BoxingDay},
		"ca":     ca.Holidays,
		"au-nsw": au.HolidaysNSW,
		"de":     de.Holidays,
		"fr":     fr.Holidays,
		"nl":     nl.Holidays,
		"ie":     ie.Holidays,
		"at":     at.Holidays,
		"jp":     jp.Holidays,
	}
}

// rickarDates returns the dates, in [firstYear, lastYear], on which the
// holidays fall or are observed.
func rickarDates(hs []*cal.Holiday) map[date.Date]bool {
	out := map[date.Date]bool{}
	for y := firstYear - 1; y <= lastYear+1; y++ {
		for _, h := range hs {
			actual, observed := h.Calc(y)
			for _, t := range []time.Time{actual, observed} {
				if t.IsZero() {
					continue
				}
				d := date.New(t.Year(), t.Month(), t.Day())
				if d.Year() >= firstYear && d.Year() <= lastYear {
					out[d] = true
				}
			}
		}
	}
	return out
}

// ourDates returns the dates in [firstYear, lastYear] that the named set
// closes in a calendar open around the clock every day.
func ourDates(t *testing.T, name string) map[date.Date]bool {
	allDay := "00:00-24:00"
	c, err := calendar.New(time.UTC, calendar.Weekdays(allDay), calendar.Hours(time.Saturday, allDay), calendar.Hours(time.Sunday, allDay), calendar.Holidays(name))
	if err != nil {
		t.Fatal(err)
	}
	out := map[date.Date]bool{}
	for d := date.New(firstYear, 1, 1); d.Year() <= lastYear; d++ {
		if !c.IsOpenDay(d) {
			out[d] = true
		}
	}
	return out
}

// diff lists "+date" for dates only ours closes and "-date" for dates only
// the other source does, sorted by date.
func diff(ours, theirs map[date.Date]bool) []string {
	var out []string
	for d := range ours {
		if !theirs[d] {
			out = append(out, "+"+d.String())
		}
	}
	for d := range theirs {
		if !ours[d] {
			out = append(out, "-"+d.String())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][1:] < out[j][1:] || out[i][1:] == out[j][1:] && out[i] < out[j] })
	return out
}

func TestAgainstRickar(t *testing.T) {
	sets := calendar.HolidaySets()
	independent := rickarSets()
	if len(sets) != len(independent) {
		t.Fatalf("%d embedded sets, %d independent ones", len(sets), len(independent))
	}
	for _, s := range sets {
		t.Run(s.Name, func(t *testing.T) {
			hs, ok := independent[s.Name]
			if !ok {
				t.Fatalf("no independent source for %s", s.Name)
			}
			got := diff(ourDates(t, s.Name), rickarDates(hs))
			want := expectedDifferences(s.Name)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("differences from rickar/cal:\n got  %v\n want %v", got, want)
			}
		})
	}
}

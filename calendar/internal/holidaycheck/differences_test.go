package holidaycheck

import (
	"sort"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/jp"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickb777/date/v2"
)

// A difference between an embedded set and rickar/cal: dates only one of
// them closes, and why. README.md lists the same.
type difference struct {
	set     string
	ours    bool         // closed by the embedded set only; else by rickar/cal only
	dates   []string     // the dates, or
	holiday *cal.Holiday // every date of one of rickar's holidays, in years
	from    int          //   from … until
	until   int
	why     string
}

var differences = []difference{
	{set: "ca", holiday: ca.EasterMonday, from: firstYear, until: lastYear,
		why: "Easter Monday is a day off in the federal public service, not a general holiday of the Canada Labour Code (s. 166)"},
	{set: "ca", holiday: ca.CivicDay, from: firstYear, until: lastYear,
		why: "the Civic Holiday (first Monday of August) is provincial, and not in the Canada Labour Code"},

	{set: "de", ours: true, dates: []string{"2017-10-31"},
		why: "Reformation Day 2017, the 500th anniversary, was a public holiday in every state that year; rickar/cal has it only in the states that keep it every year"},

	{set: "gb-eng", dates: []string{"2002-05-27", "2012-05-28"},
		why: "the spring bank holiday moved to 4 June for the Golden (2002) and Diamond (2012) Jubilees; rickar/cal moves it only in 2022"},
	{set: "gb-eng", ours: true, dates: []string{"2002-06-03", "2002-06-04", "2012-06-04", "2012-06-05"},
		why: "the Golden and Diamond Jubilee bank holidays and the moved spring bank holidays, missing from rickar/cal"},
	{set: "gb-eng", ours: true, dates: []string{"2011-04-29"}, why: "the wedding of Prince William, a one-off bank holiday missing from rickar/cal"},
	{set: "gb-eng", ours: true, dates: []string{"2022-09-19"}, why: "the State Funeral of Queen Elizabeth II, a one-off bank holiday missing from rickar/cal"},
	{set: "gb-sct", dates: []string{"2002-05-27", "2012-05-28"}, why: "as for gb-eng"},
	{set: "gb-sct", ours: true, dates: []string{"2002-06-03", "2002-06-04", "2012-06-04", "2012-06-05", "2011-04-29", "2022-09-19"}, why: "as for gb-eng"},

	{set: "jp", holiday: jp.MarineDay, from: 2000, until: 2002,
		why: "Marine Day was 20 July until 2002 and the third Monday of July from 2003; rickar/cal applies the Monday to every year"},
	{set: "jp", ours: true, dates: []string{"2000-07-20", "2001-07-20", "2002-07-20"}, why: "Marine Day on 20 July, 2000–2002, as above"},
	{set: "jp", dates: []string{"2000-09-18", "2001-09-17"},
		why: "Respect for the Aged Day was 15 September until 2002 and the third Monday of September from 2003; rickar/cal applies the Monday to every year"},
	{set: "jp", ours: true, dates: []string{"2000-09-15", "2001-09-15", "2002-09-15"},
		why: "Respect for the Aged Day on 15 September, 2000–2002, as above; Sunday 15 September 2002's substitute is Monday the 16th, rickar/cal's date"},
	{set: "jp", dates: []string{"2003-05-04", "2003-05-06"},
		why: "4 May became Greenery Day, a national holiday, in 2007; before, it was a citizens' holiday unless a Sunday, so Sunday 4 May 2003 was no holiday and had no substitute; rickar/cal applies Greenery Day to every year"},
	{set: "jp", dates: []string{"2019-12-23"},
		why: "Emperor Akihito abdicated on 30 April 2019, and the Emperor's Birthday moved to 23 February from 2020: 2019 had none; rickar/cal keeps 23 December through 2019"},
	{set: "jp", dates: []string{"2020-08-11", "2021-08-11"},
		why: "Mountain Day moved for the Tokyo Olympics to 10 August 2020 and 8 August 2021; rickar/cal moves Marine and Sports Day but not Mountain Day"},
	{set: "jp", ours: true, dates: []string{"2020-08-10", "2021-08-08", "2021-08-09"}, why: "Mountain Day 2020 and 2021, as above; 8 August 2021 a Sunday, substitute Monday 9 August"},
	{set: "jp", ours: true, dates: []string{"2037-09-22", "2043-09-22", "2049-09-21", "2054-09-22", "2060-09-21", "2071-09-22", "2077-09-21", "2088-09-21", "2094-09-21", "2099-09-22"},
		why: "the citizens' holiday between Respect for the Aged Day and the Autumnal Equinox Day; rickar/cal lists it for 2009–2032 only, as dates, where ours is the rule of the Act"},

	{set: "nl", holiday: nl.GoedeVrijdag, from: firstYear, until: lastYear,
		why: "Good Friday is not among the public holidays of the Algemene termijnenwet (art. 3)"},
	{set: "nl", holiday: nl.Koningsdag, from: firstYear, until: 2013,
		why: "until 2013 the monarch's day was Queen's Day, 30 April (29 April when the 30th was a Sunday); rickar/cal applies King's Day, 27 April, to every year"},
	{set: "nl", ours: true, dates: []string{"2000-04-29", "2000-04-30", "2001-04-30", "2002-04-30", "2003-04-30", "2004-04-30", "2005-04-30",
		"2006-04-29", "2006-04-30", "2007-04-30", "2008-04-30", "2009-04-30", "2010-04-30", "2011-04-30", "2012-04-30", "2013-04-30"},
		why: "Queen's Day, 2000–2013, as above"},
}

// expectedDifferences returns the differences listed for set, in the form
// diff writes them.
func expectedDifferences(set string) []string {
	var out []string
	for _, d := range differences {
		if d.set != set {
			continue
		}
		sign := "-"
		if d.ours {
			sign = "+"
		}
		dates := d.dates
		if d.holiday != nil {
			dates = holidayDates(d.holiday, d.from, d.until)
		}
		for _, s := range dates {
			out = append(out, sign+s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][1:] < out[j][1:] || out[i][1:] == out[j][1:] && out[i] < out[j] })
	return out
}

// holidayDates returns the dates, actual and observed, of one of rickar's
// holidays in the years from … until.
func holidayDates(h *cal.Holiday, from, until int) []string {
	var out []string
	for y := from; y <= until; y++ {
		actual, observed := h.Calc(y)
		if actual.IsZero() {
			continue
		}
		out = append(out, date.New(actual.Year(), actual.Month(), actual.Day()).String())
		if !observed.Equal(actual) {
			out = append(out, date.New(observed.Year(), observed.Month(), observed.Day()).String())
		}
	}
	return out
}

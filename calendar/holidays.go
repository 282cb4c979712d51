package calendar

import (
	"slices"
	"strings"
	"time"
)

// A HolidaySet is a curated list of the public holidays of a country or
// region, as yearly rules, that a calendar takes by name: from Go with
// the Holidays option, from JSON as "holidays": ["us-federal"]. A set
// closes each holiday's own date and, where the law moves a weekend
// holiday, the substitute day too.
//
// Every set is checked for every year from 2000 through 2099 against an
// independent source (the rickar/cal library's definitions, and the UK
// government's published bank holidays for 2012–2028), with each
// difference listed and explained; see the package documentation.
// Earlier years of the supported range follow the same rules and the
// one-off holidays listed, and are not checked.
type HolidaySet struct {
	// Name is what a calendar names the set by: "gb-eng".
	Name string
	// Title says what the set covers and whose law it follows.
	Title string
	// Rules are the set's holidays; one-off holidays are fixed-date
	// rules whose From and Until are their year.
	Rules []Rule
}

// maxHolidaySets bounds the sets one calendar names.
const maxHolidaySets = 20

// HolidaySets returns every embedded holiday set, sorted by name. The
// result is the caller's to keep or change; it does not change the
// sets calendars use.
//
//	at          Austria: public holidays (Feiertagsruhegesetz)
//	au-nsw      Australia, New South Wales: public holidays
//	ca          Canada: general holidays of the Canada Labour Code
//	de          Germany: nationwide public holidays
//	fr          France: jours fériés
//	gb-eng      United Kingdom, England and Wales: bank holidays
//	gb-sct      United Kingdom, Scotland: bank holidays
//	ie          Ireland: public holidays
//	jp          Japan: national holidays (Act on National Holidays)
//	nl          Netherlands: public holidays (Algemene termijnenwet)
//	us-federal  United States: federal holidays
func HolidaySets() []HolidaySet {
	sets := holidaySets()
	slices.SortFunc(sets, func(a, b HolidaySet) int { return strings.Compare(a.Name, b.Name) })
	return sets
}

// Holidays adds the holidays of the named sets (see HolidaySets) to the
// calendar. Like the JSON form's "holidays", it keeps the names: the
// calendar's JSON form names the sets rather than copying their rules. A
// special opening of a date overrides a set's holiday on it, as it does
// a rule's.
func Holidays(names ...string) Option {
	return func(b *builder) { b.d.Holidays = append(b.d.Holidays, names...) }
}

// holidayRules returns the rules of the named sets, a list for each, or
// an error naming the unknown or repeated set (field "holidays[i]").
func holidayRules(names []string) ([][]Rule, error) {
	if len(names) > maxHolidaySets {
		return nil, fieldErr("holidays", "", "more than "+itoa(maxHolidaySets)+" holiday sets", ErrTooLarge)
	}
	if len(names) == 0 {
		return nil, nil
	}
	sets := holidaySets()
	var rules [][]Rule
	for i, name := range names {
		field := "holidays[" + itoa(i) + "]"
		if slices.Index(names, name) < i {
			return nil, fieldErr(field, name, "named twice", ErrBadRule)
		}
		k := slices.IndexFunc(sets, func(s HolidaySet) bool { return s.Name == name })
		if k < 0 {
			known := make([]string, len(sets))
			for j, s := range sets {
				known[j] = s.Name
			}
			slices.Sort(known)
			return nil, fieldErr(field, name, "unknown holiday set; known: "+strings.Join(known, ", "), ErrBadRule)
		}
		rules = append(rules, sets[k].Rules)
	}
	return rules, nil
}

// Helpers that keep the tables below short.

func fixedRule(name string, m time.Month, d int, o Observed) Rule {
	r := FixedDate(name, m, d)
	r.Observed = o
	return r
}

func once(name string, y int, m time.Month, d int) Rule {
	r := FixedDate(name, m, d)
	r.From, r.Until = y, y
	return r
}

func (r Rule) from(y int) Rule       { r.From = y; return r }
func (r Rule) until(y int) Rule      { r.Until = y; return r }
func (r Rule) except(ys ...int) Rule { r.Except = ys; return r }
func (r Rule) years(a, b int) Rule   { r.From, r.Until = a, b; return r }
func nth(name string, m time.Month, wd time.Weekday, n int) Rule {
	return NthWeekday(name, m, wd, n)
}

// holidaySets builds the sets afresh on each call: the package keeps no
// shared, mutable tables.
func holidaySets() []HolidaySet {
	return []HolidaySet{
		{
			Name:  "us-federal",
			Title: "United States: federal holidays (5 U.S.C. 6103); one on a Saturday is observed on the Friday before, one on a Sunday on the Monday after",
			Rules: []Rule{
				fixedRule("New Year's Day", time.January, 1, NearestWeekday),
				nth("Birthday of Martin Luther King, Jr.", time.January, time.Monday, 3).from(1986),
				nth("Washington's Birthday", time.February, time.Monday, 3).from(1971),
				fixedRule("Washington's Birthday", time.February, 22, NearestWeekday).until(1970),
				nth("Memorial Day", time.May, time.Monday, -1).from(1971),
				fixedRule("Memorial Day", time.May, 30, NearestWeekday).until(1970),
				fixedRule("Juneteenth National Independence Day", time.June, 19, NearestWeekday).from(2021),
				fixedRule("Independence Day", time.July, 4, NearestWeekday),
				nth("Labor Day", time.September, time.Monday, 1),
				nth("Columbus Day", time.October, time.Monday, 2).from(1971),
				fixedRule("Columbus Day", time.October, 12, NearestWeekday).until(1970),
				fixedRule("Veterans Day", time.November, 11, NearestWeekday).except(1971, 1972, 1973, 1974, 1975, 1976, 1977),
				nth("Veterans Day", time.October, time.Monday, 4).years(1971, 1977),
				nth("Thanksgiving Day", time.November, time.Thursday, 4),
				fixedRule("Christmas Day", time.December, 25, NearestWeekday),
			},
		},
		{
			Name:  "gb-eng",
			Title: "United Kingdom, England and Wales: bank holidays, with substitute days and the one-off holidays proclaimed since 1977",
			Rules: append([]Rule{
				fixedRule("New Year's Day", time.January, 1, MondayAfter),
				Easter("Good Friday", -2),
				Easter("Easter Monday", 1),
				nth("Summer bank holiday", time.August, time.Monday, -1),
			}, ukCommon()...),
		},
		{
			Name:  "gb-sct",
			Title: "United Kingdom, Scotland: bank holidays, with substitute days and the one-off holidays proclaimed since 1977",
			Rules: append([]Rule{
				fixedRule("New Year's Day", time.January, 1, TwoDaysLater),
				fixedRule("2nd January", time.January, 2, TwoDaysLater),
				Easter("Good Friday", -2),
				nth("Summer bank holiday", time.August, time.Monday, 1),
				fixedRule("St Andrew's Day", time.November, 30, MondayAfter).from(2007),
			}, ukCommon()...),
		},
		{
			Name:  "ca",
			Title: "Canada: general holidays of the Canada Labour Code (federally regulated workplaces); one on a weekend is also observed on the next working day",
			Rules: []Rule{
				fixedRule("New Year's Day", time.January, 1, MondayAfter),
				Easter("Good Friday", -2),
				NthWeekdayFrom("Victoria Day", time.May, 24, time.Monday, -1),
				fixedRule("Canada Day", time.July, 1, MondayAfter),
				nth("Labour Day", time.September, time.Monday, 1),
				fixedRule("National Day for Truth and Reconciliation", time.September, 30, MondayAfter).from(2021),
				nth("Thanksgiving Day", time.October, time.Monday, 2),
				fixedRule("Remembrance Day", time.November, 11, MondayAfter),
				fixedRule("Christmas Day", time.December, 25, TwoDaysLater),
				fixedRule("Boxing Day", time.December, 26, TwoDaysLater),
			},
		},
		{
			Name:  "au-nsw",
			Title: "Australia, New South Wales: public holidays (Public Holidays Act 2010); the bank holiday of August, for banks only, is left out",
			Rules: []Rule{
				fixedRule("New Year's Day", time.January, 1, MondayAfter),
				fixedRule("Australia Day", time.January, 26, MondayAfter),
				Easter("Good Friday", -2),
				Easter("Easter Saturday", -1),
				Easter("Easter Sunday", 0),
				Easter("Easter Monday", 1),
				FixedDate("Anzac Day", time.April, 25),
				nth("King's Birthday", time.June, time.Monday, 2),
				nth("Labour Day", time.October, time.Monday, 1),
				fixedRule("Christmas Day", time.December, 25, TwoDaysLater),
				fixedRule("Boxing Day", time.December, 26, TwoDaysLater),
				once("National Day of Mourning for Queen Elizabeth II", 2022, time.September, 22),
			},
		},
		{
			Name:  "de",
			Title: "Germany: nationwide public holidays (each state adds its own)",
			Rules: []Rule{
				FixedDate("Neujahr", time.January, 1),
				Easter("Karfreitag", -2),
				Easter("Ostermontag", 1),
				FixedDate("Tag der Arbeit", time.May, 1),
				Easter("Christi Himmelfahrt", 39),
				Easter("Pfingstmontag", 50),
				FixedDate("Tag der Deutschen Einheit", time.October, 3).from(1990),
				FixedDate("1. Weihnachtstag", time.December, 25),
				FixedDate("2. Weihnachtstag", time.December, 26),
				once("Reformationstag (500 Jahre Reformation)", 2017, time.October, 31),
			},
		},
		{
			Name:  "fr",
			Title: "France: jours fériés (Code du travail, L3133-1); Alsace and Moselle add Good Friday and 26 December",
			Rules: []Rule{
				FixedDate("Jour de l'an", time.January, 1),
				Easter("Lundi de Pâques", 1),
				FixedDate("Fête du Travail", time.May, 1),
				FixedDate("Victoire 1945", time.May, 8),
				Easter("Ascension", 39),
				Easter("Lundi de Pentecôte", 50),
				FixedDate("Fête nationale", time.July, 14),
				FixedDate("Assomption", time.August, 15),
				FixedDate("Toussaint", time.November, 1),
				FixedDate("Armistice 1918", time.November, 11),
				FixedDate("Noël", time.December, 25),
			},
		},
		{
			Name:  "nl",
			Title: "Netherlands: public holidays of the Algemene termijnenwet; King's Day on a Sunday moves to the Saturday before",
			Rules: []Rule{
				FixedDate("Nieuwjaarsdag", time.January, 1),
				Easter("Tweede Paasdag", 1),
				fixedRule("Koninginnedag", time.April, 30, SaturdayBefore).years(1980, 2013),
				fixedRule("Koningsdag", time.April, 27, SaturdayBefore).from(2014),
				FixedDate("Bevrijdingsdag", time.May, 5),
				Easter("Hemelvaartsdag", 39),
				Easter("Tweede Pinksterdag", 50),
				FixedDate("Eerste Kerstdag", time.December, 25),
				FixedDate("Tweede Kerstdag", time.December, 26),
			},
		},
		{
			Name:  "ie",
			Title: "Ireland: public holidays (Organisation of Working Time Act 1997, Schedule 2); Irish law has no substitute days",
			Rules: append([]Rule{
				FixedDate("New Year's Day", time.January, 1),
				FixedDate("St Patrick's Day", time.March, 17),
				Easter("Easter Monday", 1),
				nth("May Day", time.May, time.Monday, 1),
				nth("June Bank Holiday", time.June, time.Monday, 1),
				nth("August Bank Holiday", time.August, time.Monday, 1),
				nth("October Bank Holiday", time.October, time.Monday, -1),
				FixedDate("Christmas Day", time.December, 25),
				FixedDate("St Stephen's Day", time.December, 26),
				once("Public holiday in remembrance of those who died of COVID-19", 2022, time.March, 18),
			}, stBrigid()...),
		},
		{
			Name:  "at",
			Title: "Austria: public holidays (Feiertagsruhegesetz)",
			Rules: []Rule{
				FixedDate("Neujahr", time.January, 1),
				FixedDate("Heilige Drei Könige", time.January, 6),
				Easter("Ostermontag", 1),
				FixedDate("Staatsfeiertag", time.May, 1),
				Easter("Christi Himmelfahrt", 39),
				Easter("Pfingstmontag", 50),
				Easter("Fronleichnam", 60),
				FixedDate("Mariä Himmelfahrt", time.August, 15),
				FixedDate("Nationalfeiertag", time.October, 26),
				FixedDate("Allerheiligen", time.November, 1),
				FixedDate("Mariä Empfängnis", time.December, 8),
				FixedDate("Christtag", time.December, 25),
				FixedDate("Stefanitag", time.December, 26),
			},
		},
		{
			Name: "jp",
			Title: "Japan: national holidays (Act on National Holidays, and the special acts of 2019 and of the 2020 Olympics); " +
				"one on a Sunday moves to the next day that is no holiday, and a day between two holidays is one",
			Rules: japan(),
		},
	}
}

// japan returns the national holidays of Japan as the Act on National
// Holidays (国民の祝日に関する法律) has them in force each year: the
// Happy Monday moves of 2000 and 2003, Showa Day and Greenery Day as of
// 2007, Mountain Day from 2016, the change of Emperor in 2019, and the
// moves for the Olympics in 2020 and 2021.
//
// Substitute holiday: a holiday on a Sunday moves to the Monday, from
// 12 April 1973 on; from 2007 on to the next day that is no holiday
// (NextNonHoliday). Before 2007 the Monday was never itself a national
// holiday, so one rule does for both. Citizens' holiday: a day between
// two national holidays is a holiday, from 2007 on (BetweenHolidays);
// from 1986 to 2006 unless it was a Sunday or a substitute day, which
// made it 4 May in the years it was not a Sunday.
//
// The equinox days follow the usual formula (see equinoxDay): the Cabinet
// fixes each year's in the official gazette in February of the year
// before, so the dates of later years are a prediction.
func japan() []Rule {
	// substituted gives a rule Japan's substitute day from the first year
	// the law of 12 April 1973 moved it in: 1973 for the holidays after
	// that day, 1974 for those before it.
	substituted := func(r Rule) []Rule {
		first := 1973
		if r.Month < time.April {
			first = 1974
		}
		sub := r
		sub.Observed = NextNonHoliday
		if r.From >= first {
			return []Rule{sub}
		}
		if r.Until != 0 && r.Until < first {
			return []Rule{r}
		}
		return []Rule{r.until(first - 1), sub.from(first)}
	}
	var out []Rule
	for _, r := range []Rule{
		FixedDate("New Year's Day", time.January, 1),
		FixedDate("Coming of Age Day", time.January, 15).until(1999),
		FixedDate("National Foundation Day", time.February, 11),
		FixedDate("The Emperor's Birthday", time.February, 23).from(2020),
		Equinox("Vernal Equinox Day", time.March),
		FixedDate("The Emperor's Birthday", time.April, 29).until(1988),
		FixedDate("Greenery Day", time.April, 29).years(1989, 2006),
		FixedDate("Showa Day", time.April, 29).from(2007),
		FixedDate("Constitution Memorial Day", time.May, 3),
		FixedDate("Greenery Day", time.May, 4).from(2007),
		FixedDate("Children's Day", time.May, 5),
		FixedDate("Marine Day", time.July, 20).years(1996, 2002),
		FixedDate("Mountain Day", time.August, 11).from(2016).except(2020, 2021),
		FixedDate("Mountain Day", time.August, 10).years(2020, 2020),
		FixedDate("Mountain Day", time.August, 8).years(2021, 2021),
		FixedDate("Respect for the Aged Day", time.September, 15).until(2002),
		Equinox("Autumnal Equinox Day", time.September),
		FixedDate("Health and Sports Day", time.October, 10).until(1999),
		FixedDate("Culture Day", time.November, 3),
		FixedDate("Labour Thanksgiving Day", time.November, 23),
		FixedDate("The Emperor's Birthday", time.December, 23).years(1989, 2018),
	} {
		out = append(out, substituted(r)...)
	}
	// Citizens' holiday on 4 May, 1986–2006, unless a Sunday.
	may4 := FixedDate("Citizens' holiday", time.May, 4).years(1986, 2006)
	for y := 1986; y <= 2006; y++ {
		if time.Date(y, time.May, 4, 0, 0, 0, 0, time.UTC).Weekday() == time.Sunday {
			may4.Except = append(may4.Except, y)
		}
	}
	return append(out,
		// The Happy Monday holidays, never on a Sunday.
		nth("Coming of Age Day", time.January, time.Monday, 2).from(2000),
		nth("Marine Day", time.July, time.Monday, 3).from(2003).except(2020, 2021),
		once("Marine Day", 2020, time.July, 23),
		once("Marine Day", 2021, time.July, 22),
		nth("Respect for the Aged Day", time.September, time.Monday, 3).from(2003),
		nth("Health and Sports Day", time.October, time.Monday, 2).years(2000, 2019),
		nth("Sports Day", time.October, time.Monday, 2).from(2022),
		once("Sports Day", 2020, time.July, 24),
		once("Sports Day", 2021, time.July, 23),
		may4,
		BetweenHolidays("Citizens' holiday").from(2007),
		// One-off holidays by special acts. Those of 2019 count as
		// national holidays, which made 30 April and 2 May 2019 days
		// between holidays.
		once("Funeral of Emperor Showa", 1989, time.February, 24),
		once("Enthronement Ceremony", 1990, time.November, 12),
		once("Wedding of the Crown Prince", 1993, time.June, 9),
		once("Enthronement Day", 2019, time.May, 1),
		once("Enthronement Ceremony", 2019, time.October, 22),
	)
}

// ukCommon returns the bank holidays England and Wales and Scotland
// share, with the moves and one-off holidays proclaimed for both.
func ukCommon() []Rule {
	return []Rule{
		nth("Early May bank holiday", time.May, time.Monday, 1).from(1978).except(1995, 2020),
		once("Early May bank holiday (VE Day)", 1995, time.May, 8),
		once("Early May bank holiday (VE Day)", 2020, time.May, 8),
		nth("Spring bank holiday", time.May, time.Monday, -1).except(2002, 2012, 2022),
		once("Spring bank holiday", 2002, time.June, 4),
		once("Spring bank holiday", 2012, time.June, 4),
		once("Spring bank holiday", 2022, time.June, 2),
		fixedRule("Christmas Day", time.December, 25, TwoDaysLater),
		fixedRule("Boxing Day", time.December, 26, TwoDaysLater),
		once("Silver Jubilee of Queen Elizabeth II", 1977, time.June, 7),
		once("Wedding of the Prince of Wales", 1981, time.July, 29),
		once("Millennium", 1999, time.December, 31),
		once("Golden Jubilee of Queen Elizabeth II", 2002, time.June, 3),
		once("Wedding of Prince William", 2011, time.April, 29),
		once("Diamond Jubilee of Queen Elizabeth II", 2012, time.June, 5),
		once("Platinum Jubilee of Queen Elizabeth II", 2022, time.June, 3),
		once("State Funeral of Queen Elizabeth II", 2022, time.September, 19),
		once("Coronation of King Charles III", 2023, time.May, 8),
	}
}

// stBrigid returns Ireland's St Brigid's Day, a holiday since 2023: the
// first Monday of February, or 1 February when that is a Friday. That is
// no one yearly rule, so it is the Monday rule except in the years whose
// 1 February is a Friday, and a one-off holiday in each of those years,
// through 2099, the end of the supported range.
func stBrigid() []Rule {
	monday := nth("St Brigid's Day", time.February, time.Monday, 1).from(2023)
	var out []Rule
	for y := 2023; y <= 2099; y++ {
		if time.Date(y, time.February, 1, 0, 0, 0, 0, time.UTC).Weekday() == time.Friday {
			monday.Except = append(monday.Except, y)
			out = append(out, once("St Brigid's Day", y, time.February, 1))
		}
	}
	return append([]Rule{monday}, out...)
}

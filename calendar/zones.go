package calendar

import (
	"strconv"
	"sync"
	"time"
)

// maxZones bounds the calendars one template keeps placed in other zones.
// A placed office calendar with a holiday set holds about 150 kB, so a
// full cache holds about 10 MB.
const maxZones = 64

// zoneCache keeps a template's calendars placed in other zones, shared by
// the template and every calendar placed from it. A zone is built once,
// even when many goroutines ask for it at the same time; beyond maxZones
// the zone asked for longest ago is forgotten, to be built again if asked
// again.
type zoneCache struct {
	mu     sync.Mutex
	byZone map[string]*zoneEntry
	order  []string // zones in the order they were first asked for
}

type zoneEntry struct {
	once sync.Once
	cal  *Calendar
	err  error
}

// entry returns the cache's entry for zone, adding it if need be.
func (z *zoneCache) entry(zone string) *zoneEntry {
	z.mu.Lock()
	defer z.mu.Unlock()
	if e, ok := z.byZone[zone]; ok {
		return e
	}
	if len(z.order) == maxZones {
		delete(z.byZone, z.order[0])
		z.order = append(z.order[:0], z.order[1:]...)
	}
	if z.byZone == nil {
		z.byZone = map[string]*zoneEntry{}
	}
	e := &zoneEntry{}
	z.byZone[zone] = e
	z.order = append(z.order, zone)
	return e
}

// In returns the calendar with c's definition — weekly hours, closures,
// special openings, rules and holiday sets, all on the wall clock — placed
// in the IANA time zone named zone: "our support hours, in the customer's
// zone". The dates and hours stay as written; only the zone changes.
//
// Calendars placed from one template are built once per zone and shared:
// c and every calendar In returns keep them in one cache, safe for
// concurrent use, of up to 64 zones (beyond that the zone asked for
// longest ago is built again when next asked for). A template in one
// zone placed in 40 costs 40 builds, about a millisecond each, however
// many inquiries ask.
//
// In(c's own zone) is c. Always (and the zero and the nil Calendar) has no
// zone and is returned as it is. A Union or Intersect has no definition
// to place and is refused with ErrNoJSON; an unknown zone with ErrBadZone.
func (c *Calendar) In(zone string) (*Calendar, error) {
	if c == nil || c.eng == nil {
		return c, nil
	}
	if c.doc == nil {
		return nil, fieldErr("", c.name, "a Union or Intersect has no definition to place in "+strconv.Quote(zone), ErrNoJSON)
	}
	if zone == c.doc.Zone {
		return c, nil
	}
	if zone == "" || zone == "Local" {
		return nil, fieldErr("zone", zone, "want an IANA time zone such as \"Europe/London\"", ErrBadZone)
	}
	e := c.zones.entry(zone)
	e.once.Do(func() { e.cal, e.err = c.place(zone) })
	return e.cal, e.err
}

// place builds c's definition in zone.
func (c *Calendar) place(zone string) (*Calendar, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fieldErr("zone", zone, "unknown time zone", ErrBadZone)
	}
	d := *c.doc
	d.Zone = zone
	rules := make([]Rule, len(d.Rules))
	for i, r := range d.Rules {
		if rules[i], err = r.rule("rules[" + itoa(i) + "]"); err != nil {
			return nil, err // c's own rules: not reached
		}
	}
	placed, err := build(&d, loc, rules)
	if err != nil {
		return nil, err
	}
	placed.zones = c.zones
	return placed, nil
}

// ContactHours returns the default hours in which a person may be phoned
// or sent a text: daytime, 08:00–20:00 every day of the week, a calendar
// named "contact-hours" in UTC, to be placed in the person's own zone
// with In. (08:00–20:00 lies inside what the US TCPA and the UK's Ofcom
// allow, 08:00–21:00.) A call at t respects the hours when IsOpen(t);
// NextOpen(t) says when the person may next be called. Build it once and
// keep it: its placements in each zone are cached with it.
func ContactHours() *Calendar {
	const day = "08:00-20:00"
	c, err := New(time.UTC, Name("contact-hours"), Weekdays(day), Hours(time.Saturday, day), Hours(time.Sunday, day))
	if err != nil {
		panic("calendar: the default contact hours do not build: " + err.Error()) // tested: not reached
	}
	return c
}

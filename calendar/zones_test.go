package calendar

import (
	"encoding/json"
	"runtime"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/rickb777/date/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const supportTemplate = `{"name":"support","zone":"Europe/London","week":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"]},` +
	`"closed":[{"date":"2026-12-24","hours":["13:00-24:00"]}],"rules":[{"name":"Company day","month":7,"day":1}],"holidays":["gb-eng"]}`

func TestInPlacesTheTemplate(t *testing.T) {
	tmpl := mustParse(t, supportTemplate)
	tokyo, err := tmpl.In("Asia/Tokyo")
	require.NoError(t, err)
	assert.Equal(t, "Asia/Tokyo", tokyo.Location().String())
	assert.Equal(t, "support", tokyo.Name())
	tk := mustLoad(t, "Asia/Tokyo")
	assert.True(t, tokyo.IsOpen(at(tk, 2026, 11, 23, 9, 30)), "09:30 on Tokyo's wall clock")
	assert.False(t, tokyo.IsOpen(at(tk, 2026, 11, 23, 17, 0)))
	assert.False(t, tokyo.IsOpen(at(tk, 2026, 12, 24, 14, 0)), "the closure's hours, in Tokyo")
	assert.False(t, tokyo.IsOpenDay(date.New(2026, 7, 1)), "the rule")
	assert.False(t, tokyo.IsOpenDay(date.New(2026, 12, 28)), "the holiday set")

	// The placed calendar equals one written in that zone.
	var d doc
	require.NoError(t, json.Unmarshal([]byte(supportTemplate), &d))
	d.Zone = "Asia/Tokyo"
	js, _ := json.Marshal(d)
	want := mustParse(t, string(js))
	got, err := json.Marshal(tokyo)
	require.NoError(t, err)
	assert.JSONEq(t, string(js), string(got))
	for h := range 24 * 14 {
		u := at(tk, 2026, 12, 20, 0, 0).Add(time.Duration(h) * time.Hour)
		require.Equal(t, want.IsOpen(u), tokyo.IsOpen(u), "%s", u)
	}

	again, err := tmpl.In("Asia/Tokyo")
	require.NoError(t, err)
	assert.Same(t, tokyo, again, "built once")
	fromTokyo, err := tokyo.In("America/New_York")
	require.NoError(t, err)
	fromTmpl, err := tmpl.In("America/New_York")
	require.NoError(t, err)
	assert.Same(t, fromTmpl, fromTokyo, "placed calendars share the template's cache")
	self, err := tmpl.In("Europe/London")
	require.NoError(t, err)
	assert.Same(t, tmpl, self)
}

func TestInRefuses(t *testing.T) {
	tmpl := mustParse(t, supportTemplate)
	for _, zone := range []string{"", "Local", "Mars/Olympus"} {
		_, err := tmpl.In(zone)
		assert.ErrorIs(t, err, ErrBadZone, zone)
		var fe *Error
		assert.ErrorAs(t, err, &fe)
	}
	_, err := tmpl.In("Mars/Olympus")
	assert.EqualError(t, err, `calendar: zone: "Mars/Olympus": unknown time zone`)
	u, err := Union(tmpl, mustParse(t, nineToFive))
	require.NoError(t, err)
	_, err = u.In("Asia/Tokyo")
	assert.ErrorIs(t, err, ErrNoJSON)
	assert.EqualError(t, err, `calendar: "union(support,#2)": a Union or Intersect has no definition to place in "Asia/Tokyo"`, "the union is at fault, not the zone")
	for _, c := range []*Calendar{nil, {}, Always()} {
		got, err := c.In("Asia/Tokyo")
		require.NoError(t, err)
		assert.Equal(t, c, got, "Always has no zone")
	}
}

func TestInConcurrentAndBounded(t *testing.T) {
	tmpl := mustParse(t, supportTemplate)
	zones := []string{"Asia/Tokyo", "America/New_York", "Europe/Paris", "Australia/Sydney", "America/Sao_Paulo", "Asia/Kolkata"}
	got := make([][]*Calendar, 8)
	var wg sync.WaitGroup
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, z := range zones {
				c, err := tmpl.In(z)
				if err != nil {
					t.Error(err)
					return
				}
				got[g] = append(got[g], c)
				c.Add(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), 10*time.Hour)
			}
		}()
	}
	wg.Wait()
	for g := range got {
		for i := range zones {
			assert.Same(t, got[0][i], got[g][i], "one calendar per zone")
			assert.Equal(t, zones[i], got[g][i].Location().String())
		}
	}

	var names []string // maxZones + 10 zones
	for h := 1; h <= 12; h++ {
		names = append(names, "Etc/GMT+"+itoa(h), "Etc/GMT-"+itoa(h))
	}
	names = append(names, "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto", "America/Mexico_City",
		"America/Bogota", "America/Lima", "America/Santiago", "America/Halifax", "America/St_Johns", "America/Anchorage",
		"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Rome", "Europe/Athens", "Europe/Helsinki", "Europe/Moscow",
		"Europe/Madrid", "Europe/Berlin", "Asia/Jerusalem", "Asia/Karachi", "Asia/Dhaka", "Asia/Shanghai", "Asia/Seoul",
		"Asia/Bangkok", "Asia/Dubai", "Australia/Perth", "Australia/Adelaide", "Australia/Brisbane", "Australia/Hobart",
		"Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Honolulu", "Pacific/Apia", "Pacific/Auckland", "Pacific/Fiji",
		"Africa/Cairo", "Africa/Lagos", "Africa/Johannesburg", "Africa/Nairobi", "Africa/Abidjan", "Atlantic/Reykjavik",
		"Atlantic/Azores", "Indian/Maldives", "Asia/Kathmandu", "Asia/Tehran", "Asia/Kabul", "Asia/Yangon", "Asia/Manila")
	require.Len(t, names, maxZones+10)
	for _, z := range names {
		_, err := tmpl.In(z)
		require.NoError(t, err, z)
	}
	tmpl.zones.mu.Lock()
	n, order := len(tmpl.zones.byZone), len(tmpl.zones.order)
	tmpl.zones.mu.Unlock()
	assert.Equal(t, maxZones, n, "bounded")
	assert.Equal(t, maxZones, order)
	c, err := tmpl.In(names[0])
	require.NoError(t, err, "a forgotten zone is built again")
	assert.Equal(t, names[0], c.Location().String())
}

// The size the documentation of maxZones promises.
func TestPlacedCalendarSize(t *testing.T) {
	tmpl := mustParse(t, supportTemplate)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var keep []*Calendar
	for _, z := range []string{"Asia/Tokyo", "America/New_York", "Europe/Paris", "Australia/Sydney", "America/Sao_Paulo", "Asia/Kolkata", "America/Chicago", "Europe/Berlin"} {
		c, err := tmpl.In(z)
		require.NoError(t, err)
		keep = append(keep, c)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := (after.HeapAlloc - before.HeapAlloc) / uint64(len(keep))
	t.Logf("a placed calendar holds about %d kB", per/1000)
	assert.Less(t, per, uint64(250_000))
	runtime.KeepAlive(keep)
}

func TestContactHours(t *testing.T) {
	contact := ContactHours()
	assert.Equal(t, "contact-hours", contact.Name())
	paris, err := contact.In("Europe/Paris")
	require.NoError(t, err)
	p := mustLoad(t, "Europe/Paris")
	call := at(p, 2026, 11, 22, 6, 40) // a Sunday
	assert.False(t, paris.IsOpen(call))
	assert.Equal(t, at(p, 2026, 11, 22, 8, 0), paris.NextOpen(call))
	assert.True(t, paris.IsOpen(at(p, 2026, 11, 22, 19, 59)))
	assert.Equal(t, at(p, 2026, 11, 23, 8, 0), paris.NextOpen(at(p, 2026, 11, 22, 20, 0)))
	assert.Equal(t, 12*time.Hour, paris.Between(at(p, 2026, 3, 29, 0, 0), at(p, 2026, 3, 30, 0, 0)), "a DST day: still 08:00 to 20:00")
}

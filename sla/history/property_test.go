package history_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/history"
)

var (
	genText     = rapid.SampledFrom([]string{"", "ann", "bob", "a b", "ünïcode", `"quoted"`, "back\\slash", "tab\tnew\nline", "<&>", "😀", "\uFFFD", "<\uFFFD>\n"})
	genName     = rapid.SampledFrom([]string{"ann", "bob", "team-a", "ünï", "x y", "<b>"})
	genChannel  = rapid.SampledFrom([]sla.Channel{sla.Email, sla.Phone, sla.Voicemail, sla.Chat, sla.WebForm, sla.Meeting, "pigeon"})
	genPriority = rapid.SampledFrom([]sla.Priority{"", sla.Low, sla.Urgent})
	genKind     = rapid.SampledFrom([]sla.Kind{"", sla.Question, sla.Complaint})
	genParty    = rapid.SampledFrom([]sla.Party{"", sla.Prospect, sla.Customer})
	genZone     = rapid.SampledFrom([]*time.Location{time.UTC, time.FixedZone("EST", -5*3600), time.FixedZone("", 5*3600+45*60), time.FixedZone("LMT", -(44*60 + 30))})
)

// genInstant returns an instant after base, to the nanosecond, in one of
// a few zones.
func genInstant(t *rapid.T, base time.Time, label string) time.Time {
	d := rapid.Int64Range(0, int64(90*24*time.Hour)).Draw(t, label)
	return base.Add(time.Duration(d)).In(genZone.Draw(t, label+".zone"))
}

func genList[T any](t *rapid.T, g *rapid.Generator[T], label string) []T {
	return rapid.SliceOfN(g, 0, 3).Draw(t, label)
}

// genRecord returns a well-formed record: an inquiry and events of every
// type, each with the fields its type takes.
func genRecord(t *rapid.T) history.Record {
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	inq := sla.Inquiry{
		ID: genText.Draw(t, "id"), Channel: genChannel.Draw(t, "channel"), ReplyTo: genList(t, genChannel, "reply_to"),
		Class:    sla.Class{Party: genParty.Draw(t, "party"), Kind: genKind.Draw(t, "kind"), Priority: genPriority.Draw(t, "priority")},
		Received: genInstant(t, base, "received"), Labels: genList(t, genName, "labels"),
		Calendar: rapid.SampledFrom([]string{"", "cust"}).Draw(t, "calendar"), Zone: rapid.SampledFrom([]string{"", "Europe/Paris"}).Draw(t, "zone"),
	}
	n := rapid.IntRange(0, 8).Draw(t, "events")
	var events []sla.Event
	for i := range n {
		tm := genInstant(t, inq.Received, "time")
		e := sla.Event{Time: tm, Actor: genText.Draw(t, "actor"), Reason: genText.Draw(t, "reason")}
		due := tm.Add(time.Duration(rapid.Int64Range(0, int64(72*time.Hour)).Draw(t, "due")))
		switch rapid.IntRange(0, 12).Draw(t, "type") {
		case 0:
			e.Type, e.Channel = sla.CustomerMessage, rapid.SampledFrom([]sla.Channel{"", sla.Email}).Draw(t, "ch")
		case 1:
			e.Type, e.Channel = sla.Reply, genChannel.Draw(t, "ch")
		case 2:
			e.Type, e.Channel = sla.AutoReply, genChannel.Draw(t, "ch")
		case 3:
			e.Type, e.Ref, e.Due = sla.Promise, genName.Draw(t, "ref"), due
			if rapid.Bool().Draw(t, "do") {
				e.PromiseKind = sla.DoSomething
			} else {
				e.Channel = genChannel.Draw(t, "ch")
				e.From = due.Add(-time.Hour)
			}
		case 4:
			e.Type, e.Ref = rapid.SampledFrom([]sla.EventType{sla.PromiseDone, sla.PromiseWithdrawn}).Draw(t, "t"), genName.Draw(t, "ref")
		case 5:
			e.Type, e.Ref, e.Due = sla.PromiseRenegotiated, genName.Draw(t, "ref"), due
		case 6:
			e.Type, e.Ref, e.Channel, e.Due = sla.Appointment, genName.Draw(t, "ref"), sla.Meeting, due
		case 7:
			e.Type, e.Ref = rapid.SampledFrom([]sla.EventType{sla.AppointmentHeld, sla.AppointmentMissed, sla.AppointmentNoShow}).Draw(t, "t"), genName.Draw(t, "ref")
		case 8:
			e.Type, e.Ref, e.By = sla.AppointmentCancelled, genName.Draw(t, "ref"), rapid.SampledFrom([]sla.Side{sla.Us, sla.TheCustomer}).Draw(t, "by")
		case 9:
			e.Type, e.Status = sla.StatusChange, genName.Draw(t, "status")
		case 10:
			e.Type = rapid.SampledFrom([]sla.EventType{sla.Resolve, sla.Reopen}).Draw(t, "t")
		case 11:
			e.Type = sla.Reclassify
			e.Class = sla.Class{Party: genParty.Draw(t, "party"), Priority: genPriority.Draw(t, "priority")}
			e.AddLabels, e.RemoveLabels = genList(t, genName, "add"), genList(t, genName, "remove")
		case 12:
			if i%2 == 0 {
				e.Type, e.Owner, e.Team = sla.Assign, genName.Draw(t, "owner"), genName.Draw(t, "team")
			} else {
				e.Type, e.Due = sla.Override, due
				e.Obligation = sla.Key{Metric: sla.NextReply, N: rapid.IntRange(1, 3).Draw(t, "n"), Team: ""}
			}
		}
		events = append(events, e)
	}
	return history.Record{Inquiry: inq, Events: events}
}

// Writing records and reading them back gives the same records.
func TestPropertyWriteReadIdentity(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		recs := rapid.SliceOfN(rapid.Custom(genRecord), 0, 5).Draw(t, "records")
		var b bytes.Buffer
		w := history.NewWriter(&b)
		for _, rec := range recs {
			require.NoError(t, w.Write(rec))
		}
		require.NoError(t, w.Flush())
		r := history.NewReader(&b)
		for i, want := range recs {
			got, err := r.Read()
			require.NoError(t, err)
			require.Equal(t, i+1, r.Line())
			require.Equal(t, normal(want), normal(got))
		}
		_, err := r.Read()
		require.Equal(t, io.EOF, err)
	})
}

// Every line the Writer writes is read by the fast decoder alone, as the
// same record the Reader returns.
func TestFastPathTakesWhatTheWriterWrites(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rec := genRecord(t)
		var b bytes.Buffer
		w := history.NewWriter(&b)
		require.NoError(t, w.Write(rec))
		require.NoError(t, w.Flush())
		line := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
		fast, ok := history.DecodeFast(line)
		require.True(t, ok, "the fast decoder gave up on %s", line)
		got, err := history.NewReader(bytes.NewReader(line)).Read()
		require.NoError(t, err)
		require.Equal(t, got, fast)
		require.Equal(t, normal(rec), normal(fast))
	})
}

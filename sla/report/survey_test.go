package report_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/report"
)

func TestSurveyCheck(t *testing.T) {
	now := at("2026-03-09 10:00")
	for _, tc := range []struct {
		s    report.Survey
		want string // "" for well formed
	}{
		{report.Survey{InquiryID: "a", At: now}, ""},
		{report.Survey{InquiryID: "a", At: now, Reached: true, Answer: "yes", Rating: 5, Note: "fine"}, ""},
		{report.Survey{InquiryID: "a", At: now, Reached: true, Rating: 1}, ""},
		{report.Survey{At: now}, "report: inquiry_id: missing"},
		{report.Survey{InquiryID: "a"}, "report: at: missing"},
		{report.Survey{InquiryID: "a", At: now, Reached: true, Rating: 6}, `report: rating: "6": want 1 to 5, or 0 for none`},
		{report.Survey{InquiryID: "a", At: now, Reached: true, Rating: -1}, `report: rating: "-1": want 1 to 5, or 0 for none`},
		{report.Survey{InquiryID: "a", At: now, Answer: "yes"}, `report: answer: "yes": only a person reached can answer`},
		{report.Survey{InquiryID: "a", At: now, Rating: 3}, `report: rating: "3": only a person reached can rate`},
	} {
		err := tc.s.Check()
		if tc.want == "" {
			assert.NoError(t, err, "%+v", tc.s)
			continue
		}
		require.ErrorIs(t, err, report.ErrBadSurvey, "%+v", tc.s)
		assert.EqualError(t, err, tc.want)
		var e *report.Error
		require.ErrorAs(t, err, &e)
	}
}

func TestSurveys(t *testing.T) {
	sample := report.Sample{Seed: 1, Prospects: []string{"p1", "p2"}, Customers: []string{"c1", "c2", "c3"}}
	sts := []sla.Status{
		{InquiryID: "p1", Channel: sla.Email, Owner: "ann", Class: sla.Class{Party: sla.Prospect}},
		{InquiryID: "p2", Channel: sla.Chat, Class: sla.Class{Party: sla.Prospect}},
		{InquiryID: "c1", Channel: sla.Phone, Owner: "bob", Class: sla.Class{Party: sla.Customer}},
		{InquiryID: "c2", Channel: sla.Email, Class: sla.Class{Party: sla.Customer}},
		// c3 has no status: it still counts, without a channel.
	}
	mon, tue, wed := at("2026-03-09 10:00"), at("2026-03-10 10:00"), at("2026-03-11 10:00")
	surveys := []report.Survey{
		{InquiryID: "p1", At: mon},
		{InquiryID: "p1", At: tue, Reached: true, Answer: "yes", Rating: 5},
		{InquiryID: "c1", At: tue.Add(time.Hour), Reached: true, Answer: "partly", Rating: 3},
		{InquiryID: "c1", At: mon.Add(-time.Hour), Reached: true, Answer: "no", Rating: 1}, // given later, but earlier: not the latest
		{InquiryID: "c2", At: tue.Add(2 * time.Hour), Reached: true, Answer: "yes", Rating: 4},
		{InquiryID: "c2", At: tue.Add(2 * time.Hour)}, // the same instant, later in the list: this one counts
		{InquiryID: "c3", At: wed, Reached: true, Answer: "no"},
		{InquiryID: "x9", At: wed, Reached: true, Rating: 2}, // not in the sample
		{InquiryID: "c1", At: wed, Reached: true, Rating: 7}, // malformed
		{At: wed}, // malformed
	}
	rep := report.Surveys(sample, sts, surveys)
	// Five sampled; p2 never called; reached p1, c1, c3 (c2's call that
	// counts did not reach them): 3/5.
	assert.Equal(t, 5, rep.Sampled)
	assert.Equal(t, 4, rep.Called)
	assert.Equal(t, 3, rep.Reached)
	assert.InDelta(t, 0.6, rep.ResponseRate, 1e-12)
	assert.Equal(t, 1, rep.Unsampled)
	assert.Equal(t, 2, rep.Invalid)
	assert.Equal(t, map[string]int{"yes": 1, "partly": 1, "no": 1}, rep.Answers)
	// Ratings: p1 5 (email, prospect) and c1 3 (phone, customer); c3
	// gave none. All: (5+3)/2 = 4.
	assert.Equal(t, []report.RatingCell{
		{By: "all", N: 2, Mean: 4},
		{By: "channel", Value: "email", N: 1, Mean: 5},
		{By: "channel", Value: "phone", N: 1, Mean: 3},
		{By: "party", Value: "customer", N: 1, Mean: 3},
		{By: "party", Value: "prospect", N: 1, Mean: 5},
	}, rep.Ratings)
	assert.Equal(t, []report.Call{
		{InquiryID: "p1", Party: sla.Prospect, Channel: sla.Email, Owner: "ann", Called: true, Survey: surveys[1]},
		{InquiryID: "p2", Party: sla.Prospect, Channel: sla.Chat},
		{InquiryID: "c1", Party: sla.Customer, Channel: sla.Phone, Owner: "bob", Called: true, Survey: surveys[2]},
		{InquiryID: "c2", Party: sla.Customer, Channel: sla.Email, Called: true, Survey: surveys[5]},
		{InquiryID: "c3", Party: sla.Customer, Called: true, Survey: surveys[6]},
	}, rep.Calls)

	b, err := json.Marshal(rep)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.Equal(t, 0.6, doc["response_rate"])
	assert.Equal(t, map[string]any{"yes": 1.0, "partly": 1.0, "no": 1.0}, doc["answers"])
	calls := doc["calls"].([]any)
	assert.NotContains(t, calls[1], "survey", "p2 was not called")
	assert.Equal(t, map[string]any{"inquiry_id": "c3", "at": "2026-03-11T10:00:00-04:00", "reached": true, "answer": "no"},
		calls[4].(map[string]any)["survey"])
}

// An empty sample, and a sample listing an inquiry twice (made by hand):
// it is called once.
func TestSurveysEdges(t *testing.T) {
	empty := report.Surveys(report.Sample{}, nil, nil)
	assert.Equal(t, report.SurveyReport{Ratings: []report.RatingCell{{By: "all"}}, Answers: map[string]int{}, Calls: []report.Call{}}, empty)
	b, err := json.Marshal(empty)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "null")

	rep := report.Surveys(report.Sample{Prospects: []string{"a"}, Customers: []string{"a"}}, nil,
		[]report.Survey{{InquiryID: "a", At: at("2026-03-09 10:00"), Reached: true}})
	assert.Equal(t, 1, rep.Sampled)
	assert.Equal(t, 1, rep.Reached)
	assert.Equal(t, 1.0, rep.ResponseRate)
	assert.Equal(t, sla.Prospect, rep.Calls[0].Party)
}

// Reached ≤ Called ≤ Sampled; every survey is counted once (toward an
// inquiry of the sample, unsampled or invalid); the ratings per channel
// and per party add up to all of them.
func TestPropertySurveys(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sts := genStatusList(t)
		sample, err := report.AuditSample(sts, rapid.IntRange(1, 4).Draw(t, "n"), rapid.Uint64().Draw(t, "seed"))
		require.NoError(t, err)
		var surveys []report.Survey
		for range rapid.IntRange(0, 20).Draw(t, "surveys") {
			surveys = append(surveys, report.Survey{
				InquiryID: fmt.Sprintf("q%02d", rapid.IntRange(0, 14).Draw(t, "id")),
				At:        at("2026-03-09 09:00").Add(time.Duration(rapid.IntRange(-1, 100).Draw(t, "at")) * time.Hour),
				Reached:   rapid.Bool().Draw(t, "reached"),
				Answer:    rapid.SampledFrom([]string{"", "yes", "no"}).Draw(t, "answer"),
				Rating:    rapid.IntRange(-1, 6).Draw(t, "rating"),
			})
		}
		rep := report.Surveys(sample, sts, surveys)
		require.LessOrEqual(t, rep.Reached, rep.Called)
		require.LessOrEqual(t, rep.Called, rep.Sampled)
		require.Equal(t, len(sample.Prospects)+len(sample.Customers), rep.Sampled)
		valid := 0
		for _, c := range rep.Calls {
			if c.Called {
				require.NoError(t, c.Survey.Check())
			}
		}
		for _, s := range surveys {
			if s.Check() == nil {
				valid++
			}
		}
		require.Equal(t, len(surveys)-valid, rep.Invalid)
		require.LessOrEqual(t, rep.Called+rep.Unsampled, valid)
		sums := map[string][2]float64{}
		for _, c := range rep.Ratings {
			s := sums[c.By]
			sums[c.By] = [2]float64{s[0] + float64(c.N), s[1] + c.Mean*float64(c.N)}
		}
		for _, by := range []string{"channel", "party"} {
			require.Equal(t, sums["all"][0], sums[by][0], by)
			require.InDelta(t, sums["all"][1], sums[by][1], 1e-9, by)
		}
		answered := 0
		for _, n := range rep.Answers {
			answered += n
		}
		require.LessOrEqual(t, answered, rep.Reached)
	})
}

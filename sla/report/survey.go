package report

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/replyby/replyby/sla"
)

// A Survey is the outcome of one call to an inquiry of an audit sample:
// whether the person was reached, and what they said.
type Survey struct {
	// InquiryID is the inquiry called about; At when the call was made.
	InquiryID string    `json:"inquiry_id"`
	At        time.Time `json:"at"`
	// Reached says whether the person answered the call.
	Reached bool `json:"reached"`
	// Answer is their answer to "did you get what you needed?", as
	// recorded: "yes", "no" and "partly" are suggested; "" for none.
	Answer string `json:"answer,omitempty"`
	// Rating is their rating from 1 (worst) to 5, 0 for none.
	Rating int `json:"rating,omitempty"`
	// Note is anything else worth keeping.
	Note string `json:"note,omitempty"`
}

// Check reports whether s is well formed: it names an inquiry and when
// the call was made, its rating is 0 to 5, and only a person reached
// answers or rates. Errors wrap ErrBadSurvey and name the field at fault
// ("inquiry_id", "at", "answer", "rating").
func (s Survey) Check() error {
	switch {
	case s.InquiryID == "":
		return errAt("inquiry_id", "", "missing", ErrBadSurvey)
	case s.At.IsZero():
		return errAt("at", "", "missing", ErrBadSurvey)
	case s.Rating < 0 || s.Rating > 5:
		return errAt("rating", strconv.Itoa(s.Rating), "want 1 to 5, or 0 for none", ErrBadSurvey)
	case !s.Reached && s.Answer != "":
		return errAt("answer", s.Answer, "only a person reached can answer", ErrBadSurvey)
	case !s.Reached && s.Rating != 0:
		return errAt("rating", strconv.Itoa(s.Rating), "only a person reached can rate", ErrBadSurvey)
	}
	return nil
}

// A RatingCell is the mean rating over a group of the inquiries reached:
// all of them, or those of one channel or party.
type RatingCell struct {
	// By is "all", "channel" or "party", and Value the group: "" for
	// all; the channel the inquiry came on ("" if no status was given
	// for it); the party it was drawn as.
	By    string `json:"by"`
	Value string `json:"value"`
	// N counts the ratings (those of 1 to 5), and Mean is their mean, 0
	// if N is 0.
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
}

// A Call is one line of the call list: an inquiry of the sample, and the
// survey that counts for it.
type Call struct {
	// InquiryID is the inquiry to call; Party the party it was drawn as;
	// Channel and Owner are its status's ("" if no status was given for
	// it).
	InquiryID string      `json:"inquiry_id"`
	Party     sla.Party   `json:"party"`
	Channel   sla.Channel `json:"channel,omitempty"`
	Owner     string      `json:"owner,omitempty"`
	// Called says whether a survey was recorded for it, and Survey is
	// the one that counts, the latest (the zero Survey if none).
	Called bool   `json:"called"`
	Survey Survey `json:"survey,omitzero"`
}

// A SurveyReport is what the calls to an audit sample found.
type SurveyReport struct {
	// Sampled counts the inquiries of the sample; Called those with a
	// survey; Reached those whose survey that counts says reached.
	Sampled int `json:"sampled"`
	Called  int `json:"called"`
	Reached int `json:"reached"`
	// ResponseRate is Reached/Sampled, 0 for an empty sample.
	ResponseRate float64 `json:"response_rate"`
	// Ratings lists the mean rating over all inquiries reached (always
	// present), then per channel and per party (those with a rating),
	// each ordered by value.
	Ratings []RatingCell `json:"ratings"`
	// Answers counts the answers given, by their text as recorded, over
	// the surveys that count (a survey without an answer is not
	// counted).
	Answers map[string]int `json:"answers"`
	// Calls is the call list: the sample's prospects, then its
	// customers, each in the sample's order.
	Calls []Call `json:"calls"`
	// Unsampled counts the well-formed surveys of inquiries not in the
	// sample, and Invalid the surveys that fail Check; neither counts
	// anywhere else.
	Unsampled int `json:"unsampled"`
	Invalid   int `json:"invalid"`
}

// Surveys reports the survey outcomes recorded against an audit sample.
// For each inquiry of the sample, the survey that counts is its latest by
// At (of two at the same instant, the later in surveys). Statuses give
// each inquiry's channel and owner; an inquiry of the sample without one
// is still counted. See [SurveyReport] for each figure.
func Surveys(sample Sample, statuses []sla.Status, surveys []Survey) SurveyReport {
	rep := SurveyReport{Answers: map[string]int{}, Calls: []Call{}}
	byID := map[string]*sla.Status{}
	for i := range statuses {
		if _, ok := byID[statuses[i].InquiryID]; !ok {
			byID[statuses[i].InquiryID] = &statuses[i]
		}
	}
	index := map[string]int{} // inquiry ID → position in rep.Calls
	for _, list := range []struct {
		party sla.Party
		ids   []string
	}{{sla.Prospect, sample.Prospects}, {sla.Customer, sample.Customers}} {
		for _, id := range list.ids {
			if _, dup := index[id]; dup {
				continue
			}
			index[id] = len(rep.Calls)
			c := Call{InquiryID: id, Party: list.party}
			if st := byID[id]; st != nil {
				c.Channel, c.Owner = st.Channel, st.Owner
			}
			rep.Calls = append(rep.Calls, c)
		}
	}
	for _, s := range surveys {
		if s.Check() != nil {
			rep.Invalid++
			continue
		}
		i, ok := index[s.InquiryID]
		if !ok {
			rep.Unsampled++
			continue
		}
		if c := &rep.Calls[i]; !c.Called || !s.At.Before(c.Survey.At) {
			c.Called, c.Survey = true, s
		}
	}
	type group struct{ by, value string }
	type sum struct{ n, total int }
	ratings := map[group]*sum{}
	all := &sum{}
	for _, c := range rep.Calls {
		rep.Sampled++
		if !c.Called {
			continue
		}
		rep.Called++
		if !c.Survey.Reached {
			continue
		}
		rep.Reached++
		if c.Survey.Answer != "" {
			rep.Answers[c.Survey.Answer]++
		}
		if c.Survey.Rating == 0 {
			continue
		}
		all.n++
		all.total += c.Survey.Rating
		for _, g := range [...]group{{ByChannel, string(c.Channel)}, {ByParty, string(c.Party)}} {
			s := ratings[g]
			if s == nil {
				s = &sum{}
				ratings[g] = s
			}
			s.n++
			s.total += c.Survey.Rating
		}
	}
	rep.ResponseRate = share(rep.Reached, rep.Sampled)
	rep.Ratings = append(rep.Ratings, RatingCell{By: ByAll, N: all.n, Mean: share(all.total, all.n)})
	var cells []RatingCell
	for g, s := range ratings {
		cells = append(cells, RatingCell{By: g.by, Value: g.value, N: s.n, Mean: share(s.total, s.n)})
	}
	slices.SortFunc(cells, func(a, b RatingCell) int {
		return cmp.Or(cmp.Compare(slices.Index(dimensions, a.By), slices.Index(dimensions, b.By)), cmp.Compare(a.Value, b.Value))
	})
	rep.Ratings = append(rep.Ratings, cells...)
	return rep
}

package report

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/replyby/replyby/sla"
)

// DefaultSampleSize is how many prospects, and how many customers, an
// audit sample draws when asked for zero or fewer.
const DefaultSampleSize = 5

// A Sample is a set of resolved inquiries to call and ask how it went:
// up to N prospects and N customers, each list ordered by ID.
type Sample struct {
	// Seed is the seed it was drawn with.
	Seed uint64 `json:"seed"`
	// Prospects and Customers are the inquiry IDs drawn.
	Prospects []string `json:"prospects"`
	Customers []string `json:"customers"`
}

// AuditSample draws, from the resolved inquiries among statuses, n
// prospects and n customers (all of them if fewer), uniformly at random:
// every subset of that size is equally likely. The draw is a pure function
// of seed and the set of statuses: they are sorted by inquiry ID first, so
// their order does not matter, and the prospects drawn do not depend on
// the customers or the other way round. An n of zero or less means
// [DefaultSampleSize]. Statuses with the party unknown are never drawn.
// Two statuses with the same inquiry ID give an error wrapping
// ErrDuplicateInquiry.
func AuditSample(statuses []sla.Status, n int, seed uint64) (Sample, error) {
	if n <= 0 {
		n = DefaultSampleSize
	}
	if err := unique(statuses); err != nil {
		return Sample{}, err
	}
	var prospects, customers []string
	for i := range statuses {
		st := &statuses[i]
		switch {
		case !st.Resolved:
		case st.Class.Party == sla.Prospect:
			prospects = append(prospects, st.InquiryID)
		case st.Class.Party == sla.Customer:
			customers = append(customers, st.InquiryID)
		}
	}
	return Sample{
		Seed:      seed,
		Prospects: draw(prospects, n, seed, 1),
		Customers: draw(customers, n, seed, 2),
	}, nil
}

// draw returns n of ids chosen uniformly by a partial Fisher-Yates shuffle
// of the sorted ids, with a generator seeded by (seed, stream), sorted.
func draw(ids []string, n int, seed, stream uint64) []string {
	slices.Sort(ids)
	n = min(n, len(ids))
	r := rand.New(rand.NewPCG(seed, stream))
	for i := range n {
		j := i + r.IntN(len(ids)-i)
		ids[i], ids[j] = ids[j], ids[i]
	}
	out := make([]string, n)
	copy(out, ids)
	slices.SortFunc(out, cmp.Compare[string])
	return out
}

// unique returns an error naming the second of two statuses with the same
// inquiry ID, if there are any.
func unique(statuses []sla.Status) error {
	order := make([]int, len(statuses))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(statuses[a].InquiryID, statuses[b].InquiryID), cmp.Compare(a, b))
	})
	for k := 1; k < len(order); k++ {
		if i := order[k]; statuses[i].InquiryID == statuses[order[k-1]].InquiryID {
			return errAt("statuses["+strconv.Itoa(i)+"].inquiry_id", statuses[i].InquiryID, "", ErrDuplicateInquiry)
		}
	}
	return nil
}

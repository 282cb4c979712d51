package report_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/report"
)

func genStatuses(t *rapid.T) []sla.Status {
	n := rapid.IntRange(0, 40).Draw(t, "n")
	out := make([]sla.Status, n)
	for i := range out {
		out[i] = sla.Status{
			InquiryID: fmt.Sprintf("q%03d", i),
			Class:     sla.Class{Party: rapid.SampledFrom([]sla.Party{sla.Prospect, sla.Customer, ""}).Draw(t, "party")},
			Resolved:  rapid.Bool().Draw(t, "resolved"),
		}
	}
	return out
}

// The sample is a subset of the eligible inquiries, of the asked size (or
// all of them), the same for the same seed whatever the input order.
func TestPropertyAuditSample(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sts := genStatuses(t)
		n := rapid.IntRange(-1, 8).Draw(t, "size")
		seed := rapid.Uint64().Draw(t, "seed")
		s, err := report.AuditSample(sts, n, seed)
		require.NoError(t, err)
		want := n
		if n <= 0 {
			want = report.DefaultSampleSize
		}
		for _, party := range []sla.Party{sla.Prospect, sla.Customer} {
			var eligible []string
			for _, st := range sts {
				if st.Resolved && st.Class.Party == party {
					eligible = append(eligible, st.InquiryID)
				}
			}
			got := s.Prospects
			if party == sla.Customer {
				got = s.Customers
			}
			require.Len(t, got, min(want, len(eligible)))
			require.True(t, slices.IsSorted(got))
			require.Len(t, slices.Compact(slices.Clone(got)), len(got), "repeats")
			for _, id := range got {
				require.Contains(t, eligible, id)
			}
		}
		perm := rapid.Permutation(sts).Draw(t, "perm")
		again, err := report.AuditSample(perm, n, seed)
		require.NoError(t, err)
		require.Equal(t, s, again)
	})
}

// Every eligible inquiry is about as likely to be drawn, over seeds.
func TestAuditSampleUniform(t *testing.T) {
	var sts []sla.Status
	for i := range 10 {
		sts = append(sts, sla.Status{InquiryID: fmt.Sprintf("p%d", i), Class: sla.Class{Party: sla.Prospect}, Resolved: true})
	}
	sts = append(sts, sla.Status{InquiryID: "open", Class: sla.Class{Party: sla.Prospect}})
	counts := map[string]int{}
	const draws = 4000
	for seed := range uint64(draws) {
		s, err := report.AuditSample(sts, 3, seed)
		require.NoError(t, err)
		for _, id := range s.Prospects {
			counts[id]++
		}
		assert.Empty(t, s.Customers)
	}
	assert.Zero(t, counts["open"])
	// Each is drawn with probability 3/10: 1200 of 4000, sd ≈ 29.
	for i := range 10 {
		c := counts[fmt.Sprintf("p%d", i)]
		assert.InDelta(t, 1200, c, 150, "p%d drawn %d times", i, c)
	}
	s1, _ := report.AuditSample(sts, 3, 1)
	s2, _ := report.AuditSample(sts, 3, 2)
	assert.NotEqual(t, s1.Prospects, s2.Prospects, "seeds 1 and 2 draw the same")
}

func TestAuditSampleDuplicate(t *testing.T) {
	_, err := report.AuditSample([]sla.Status{{InquiryID: "a"}, {InquiryID: "b"}, {InquiryID: "a"}}, 0, 1)
	require.ErrorIs(t, err, report.ErrDuplicateInquiry)
	assert.EqualError(t, err, `report: statuses[2].inquiry_id: "a": duplicate inquiry`)
	s, err := report.AuditSample(nil, 0, 1)
	require.NoError(t, err)
	assert.Empty(t, s.Prospects)
	assert.Empty(t, s.Customers)
}

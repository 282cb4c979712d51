package wiretime

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Form is the same instant, and when it has a form, encoding/json reads
// back what it writes of it as an equal instant; when it has none,
// encoding/json cannot write it.
func TestFormReadsBack(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		off := rapid.IntRange(-18*3600, 18*3600).Draw(t, "offset")
		sec := rapid.Int64Range(-70_000_000_000, 260_000_000_000).Draw(t, "unix")
		in := time.Unix(sec, rapid.Int64Range(0, 999_999_999).Draw(t, "ns")).In(time.FixedZone("", off))
		f, ok := Form(in)
		require.True(t, f.Equal(in))
		b, err := json.Marshal(f)
		if !ok {
			require.Error(t, err, "%v has no form", f)
			return
		}
		require.NoError(t, err)
		var back time.Time
		require.NoError(t, json.Unmarshal(b, &back))
		require.True(t, back.Equal(in), "%s read back as %v, want %v", b, back, in)
	})
}

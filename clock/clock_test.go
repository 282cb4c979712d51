package clock

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSystem(t *testing.T) {
	c := System()
	before := time.Now()
	now := c.Now()
	assert.False(t, now.Before(before))
	assert.False(t, now.After(time.Now()))

	fired := make(chan struct{})
	c.AfterFunc(time.Millisecond, func() { close(fired) })
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("system timer did not fire")
	}

	never := c.AfterFunc(time.Hour, func() { t.Error("stopped system timer fired") })
	assert.True(t, never.Reset(2*time.Hour))
	assert.True(t, never.Stop())
	assert.False(t, never.Stop())
}
